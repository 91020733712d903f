#include <iostream>
int main() { std::cout << "respect-opt " << RESPECT_VERSION << "\n"; return 0; }
