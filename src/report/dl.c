/*
 * dl.c - load an office or PDF library on first use (see dl.h): one dlopen
 * per library for the process, every function looked up at once so a
 * library too old to have one fails clearly at load, not at a call.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "report/dl.h"
#include "base/banned.h"

static pthread_mutex_t dl_mu = PTHREAD_MUTEX_INITIALIZER;

/* Open lib and fill its pointers; 1 when done, -1 (why in lib->error) when not. */
static int dl_open(struct dl_lib *lib)
{
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *why = dlerror();
		snprintf(lib->error, sizeof(lib->error), "%s", why ? why : "cannot be loaded");
		return -1;
	}
	for (size_t i = 0; i < lib->nsyms; i++) {
		void *f = dlsym(h, lib->syms[i].name);
		if (!f) {
			snprintf(lib->error, sizeof(lib->error), "%s has no %s", lib->soname,
				 lib->syms[i].name);
			/* kept open: the pointers already filled are never called, but stay valid */
			return -1;
		}
		*lib->syms[i].fn = f;
	}
	return 1;
}

int dl_load(struct dl_lib *lib, struct err *err)
{
	int state = __atomic_load_n(&lib->state, __ATOMIC_ACQUIRE);

	if (state == 0) {
		pthread_mutex_lock(&dl_mu);
		state = lib->state;
		if (state == 0) {
			state = dl_open(lib);
			/* the pointers are written before the state that says they are */
			__atomic_store_n(&lib->state, state, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&dl_mu);
	}
	if (state > 0)
		return 0;
	char reason[48];
	snprintf(reason, sizeof(reason), "%s:_,library,_", lib->reason ? lib->reason : "unavailable");
	return err_set(err, ERR_UNAVAILABLE, NULL, reason,
		       "%s needs %s, which cannot be loaded: %s", lib->purpose, lib->soname,
		       lib->error);
}
