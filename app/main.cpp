// sockd with the built-in topic types.
#include "app/run.hpp"

int main(int argc, char** argv) {
  return sockd::run_sockd(argc, argv);
}
