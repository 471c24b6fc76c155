// Catch2 runner for unit and integration tests. Ends with the plain summary
// line "tests: N passed, N failed" that CI reads.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <iostream>

namespace {

int g_passed = 0;
int g_failed = 0;

struct SummaryListener : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;
    void testCaseEnded(const Catch::TestCaseStats& stats) override {
        if (stats.totals.assertions.failed > 0 || stats.totals.testCases.failed > 0)
            ++g_failed;
        else
            ++g_passed;
    }
};

}  // namespace

CATCH_REGISTER_LISTENER(SummaryListener)

int main(int argc, char* argv[]) {
    int failed = Catch::Session().run(argc, argv);
    std::cout << "tests: " << g_passed << " passed, " << g_failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
