// messageu-server entry point.
#include <cstdio>

int main() {
  std::fputs("messageu-server " MESSAGEU_VERSION "\n", stderr);
  return 0;
}
