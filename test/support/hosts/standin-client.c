/*
 * The client of the stand-in host (server.js): what test/support/bin/pulumi execs for the stand-in's quick commands
 * while a jest run's host is up. It sends its arguments, working directory and environment over the host's unix
 * socket, writes what the command printed to its own stdout and stderr, and exits with the command's code — what the
 * node process would have done, for ~1 ms instead of a node start.
 *   usage: standin-client <socket> <stand-in entry .js> <pulumi arguments...>
 * When the host cannot be reached it runs the command itself: exec node <entry> <arguments>.
 * Request: u32 length, then u32 argc, each argument, the cwd, u32 envc, each KEY=VALUE (each string as u32 length +
 * bytes). Answer: frames of u8 kind (1 stdout, 2 stderr, 3 exit code) + u32 length + bytes; all integers little-endian.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

static char *buf;
static size_t len, cap;

static void put(const void *data, size_t n) {
  if (len + n > cap) {
    cap = (len + n) * 2 + 4096;
    buf = realloc(buf, cap);
    if (buf == NULL) exit(255);
  }
  memcpy(buf + len, data, n);
  len += n;
}

static void put_u32(uint32_t v) {
  unsigned char b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff};
  put(b, 4);
}

static void put_str(const char *s) {
  size_t n = strlen(s);
  put_u32((uint32_t)n);
  put(s, n);
}

static int read_full(int fd, void *dst, size_t n) {
  char *p = dst;
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

static int write_full(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static uint32_t get_u32(const unsigned char *b) {
  return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: standin-client <socket> <stand-in entry .js> <pulumi arguments...>\n");
    return 255;
  }
  signal(SIGPIPE, SIG_IGN);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (fd < 0 || strlen(argv[1]) >= sizeof addr.sun_path) goto fallback;
  strcpy(addr.sun_path, argv[1]);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) goto fallback;

  char cwd[8192];
  if (getcwd(cwd, sizeof cwd) == NULL) goto fallback;
  put_u32(0); /* total length, filled in below */
  put_u32((uint32_t)(argc - 3));
  for (int i = 3; i < argc; i++) put_str(argv[i]);
  put_str(cwd);
  uint32_t envc = 0;
  for (char **e = environ; *e != NULL; e++) envc++;
  put_u32(envc);
  for (char **e = environ; *e != NULL; e++) put_str(*e);
  uint32_t total = (uint32_t)(len - 4);
  unsigned char t[4] = {total & 0xff, (total >> 8) & 0xff, (total >> 16) & 0xff, (total >> 24) & 0xff};
  memcpy(buf, t, 4);
  if (write_full(fd, buf, len) != 0) goto lost;

  for (;;) {
    unsigned char head[5];
    if (read_full(fd, head, 5) != 0) goto lost;
    uint32_t n = get_u32(head + 1);
    char *data = malloc(n > 0 ? n : 1);
    if (data == NULL || read_full(fd, data, n) != 0) goto lost;
    if (head[0] == 3 && n == 4) return (int)get_u32((unsigned char *)data);
    if (head[0] == 1) write_full(1, data, n);
    else if (head[0] == 2) write_full(2, data, n);
    free(data);
  }

lost:
  fprintf(stderr, "error: the stand-in host closed the connection before the command finished\n");
  return 255;

fallback:
  if (fd >= 0) close(fd);
  {
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (args == NULL) return 255;
    args[0] = "node";
    for (int i = 2; i < argc; i++) args[i - 1] = argv[i];
    execvp("node", args);
    fprintf(stderr, "error: could not run node for the stand-in: %s\n", strerror(errno));
    return 255;
  }
}
