// Copies stdin to stdout a line at a time with iostreams: std::cin is tied to
// std::cout, so every read first flushes what was written (a write per line).
#include <iostream>
#include <string>

int main() {
    std::string line;
    long lines = 0;
    while (std::getline(std::cin, line)) {
        std::cout << line << '\n';
        ++lines;
    }
    std::cerr << lines << " lines\n";
    return 0;
}
