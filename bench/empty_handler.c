/*
 * empty_handler.c - this machine's HTTP ceiling for the benchmark: libmicrohttpd
 * with the server's threading (epoll, a thread pool of one thread per core)
 * answering "ok" to every request, queued on the handler's second call so
 * keep-alive holds, as salespm does. usage: empty_handler PORT (runs until killed)
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *size, void **con_cls)
{
	static int first;
	struct MHD_Response *r;
	enum MHD_Result ret;
	(void)cls, (void)url, (void)method, (void)version, (void)data, (void)size;
	if (!*con_cls) {
		*con_cls = &first;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(3, (void *)"ok\n", MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (argc < 2)
		return fprintf(stderr, "usage: empty_handler PORT\n"), 2;
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
			     (unsigned short)strtol(argv[1], NULL, 10), NULL, NULL, on_request, NULL,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cores > 0 ? cores : 1),
			     MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_END);
	if (!d)
		return fprintf(stderr, "cannot listen on port %s\n", argv[1]), 1;
	for (;;)
		pause();
}
