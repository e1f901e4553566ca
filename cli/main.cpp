// messageu entry point.
#include <cstdio>

int main() {
  std::puts("messageu " MESSAGEU_VERSION);
  return 0;
}
