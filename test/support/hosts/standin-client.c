/*
 * The client of the stand-in host (standin-server.js): what test/support/bin/pulumi execs for the stand-in's quick
 * commands and the Automation API's operations while a jest run's host is up. It sends its arguments, working
 * directory, environment and pid over the host's unix socket, writes what the command prints to its own stdout and
 * stderr as it comes, and exits with the command's code — what the node process would have done, without a node
 * start. The command sees this client's pid as process.pid (its stack lock and temporary files name it).
 * SIGINT and SIGTERM sent to the client go on to the command as frames; when the command dies of one (no handler for
 * it), the host answers so and the client kills itself with the same signal, so its parent sees what a killed process
 * gives. A client killed outright (SIGKILL) closes the socket, and the host ends the command where it is.
 *   usage: standin-client <socket> <stand-in entry .js> <pulumi arguments...>
 * When the host cannot be reached it runs the command itself: exec node <entry> <arguments>.
 * Request: u32 length, then u32 argc, each argument, the cwd, u32 envc, each KEY=VALUE (each string as u32 length +
 * bytes), u32 pid. Client to host after that: frames of u8 kind 5 (signal) + u32 length 4 + u32 signal number.
 * Answer: frames of u8 kind (1 stdout, 2 stderr, 3 exit code, 4 died of the signal numbered in the data) + u32 length
 * + bytes; all integers little-endian.
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

static int host_fd = -1;

/* Hands a signal on to the command on the host (write is async-signal-safe; the other signal is blocked meanwhile). */
static void forward_signal(int sig) {
  int saved = errno;
  unsigned char f[9] = {5, 4, 0, 0, 0, sig & 0xff, 0, 0, 0};
  const unsigned char *p = f;
  size_t n = sizeof f;
  while (n > 0) {
    ssize_t w = write(host_fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    p += w;
    n -= (size_t)w;
  }
  errno = saved;
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
  put_u32((uint32_t)getpid());
  uint32_t total = (uint32_t)(len - 4);
  unsigned char t[4] = {total & 0xff, (total >> 8) & 0xff, (total >> 16) & 0xff, (total >> 24) & 0xff};
  memcpy(buf, t, 4);
  host_fd = fd;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = SA_RESTART;
  /* Blocked until the whole request is written, so a signal frame never lands inside it. */
  sigset_t both, old;
  sigemptyset(&both);
  sigaddset(&both, SIGINT);
  sigaddset(&both, SIGTERM);
  sigprocmask(SIG_BLOCK, &both, &old);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  int sent = write_full(fd, buf, len);
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (sent != 0) goto lost;

  for (;;) {
    unsigned char head[5];
    if (read_full(fd, head, 5) != 0) goto lost;
    uint32_t n = get_u32(head + 1);
    char *data = malloc(n > 0 ? n : 1);
    if (data == NULL || read_full(fd, data, n) != 0) goto lost;
    if (head[0] == 3 && n == 4) return (int)get_u32((unsigned char *)data);
    if (head[0] == 4 && n == 4) {
      int sig = (int)get_u32((unsigned char *)data);
      signal(sig, SIG_DFL);
      sigset_t one;
      sigemptyset(&one);
      sigaddset(&one, sig);
      sigprocmask(SIG_UNBLOCK, &one, NULL);
      raise(sig);
      return 128 + sig;
    }
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
