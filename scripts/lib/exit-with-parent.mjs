// Preloaded (node --import) into every child the supervisor starts. Children run in their own process
// groups so a Ctrl-C or a group kill reaches them once, through the supervisor, and they shut down
// gracefully. If the supervisor itself vanishes (kill -9, crash), this stops the child the same way.
const parentPid = process.ppid;

// With the supervisor gone, its end of our stdout/stderr pipe is closed: keep shutting down quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const timer = setInterval(() => {
  if (process.ppid !== parentPid) {
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }
}, 1000);
timer.unref();
