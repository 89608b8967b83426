// Both bench tools hold thousands of sockets: raise the soft limit on open
// files to the hard one (20,000 on this machine).
#pragma once

#include <sys/resource.h>

namespace bench {

inline void raise_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

} // namespace bench
