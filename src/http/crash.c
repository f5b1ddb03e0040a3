/*
 * crash.c - a server that dies of a fatal signal (a bad pointer, an abort)
 * says so in its log first: the signal, the thread and its stack, as
 * addresses in the binary (addr2line -e salespm turns them into lines).
 * Sanitizer builds keep their own reports instead.
 */
#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "http/http.h"
#include "base/banned.h"

#define CRASH_FRAMES 48

#if !defined(__SANITIZE_ADDRESS__)

static void say(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0) {
		/* nowhere left to report to */
	}
}

/* Only async-signal-safe calls here (backtrace was loaded before any signal). */
static void on_fatal(int sig)
{
	void *frames[CRASH_FRAMES];
	char name[17] = "";
	int n;

	say("salespm: fatal signal ");
	say(sig == SIGSEGV ? "SIGSEGV" : sig == SIGABRT ? "SIGABRT" : sig == SIGBUS ? "SIGBUS"
	    : sig == SIGFPE ? "SIGFPE" : "SIGILL");
	if (prctl(PR_GET_NAME, name, 0, 0, 0) == 0) {
		say(" in thread ");
		say(name);
	}
	say("; its stack:\n");
	n = backtrace(frames, CRASH_FRAMES);
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
	/* the default action follows (SA_RESETHAND), also for a signal sent by another process */
	raise(sig);
}

void crash_report_install(void)
{
	static const int sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;
	void *warm[1];

	backtrace(warm, 1); /* loads libgcc now: not inside a handler */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}
#else
void crash_report_install(void)
{
}
#endif
