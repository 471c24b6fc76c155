# Build, test and demo. `make` builds everything; `make demo` and `make test`
# first install missing Debian packages (.ci/deps.sh).
CXX      ?= g++
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 -Wall -Wextra -MMD -MP
BOOK     ?= ../shared/data/moby.txt

SHIM        := preload/libshim.so
ANALYZER    := analyzer/analyzer
WORDS       := workloads/words
MANDELBROT  := workloads/mandelbrot
WORDFREQ    := workloads/wordfreq
TEST_RUNNER := tests/run_tests

SHIM_SRC     := $(wildcard preload/*.cpp preload/*/*.cpp)
ANALYZER_SRC := $(filter-out analyzer/cli/main.cpp,$(wildcard analyzer/*.cpp analyzer/*/*.cpp))
TEST_SRC     := $(wildcard tests/unit/*.cpp tests/integration/*.cpp tests/golden/*.cpp)
TEST_PROGRAMS := $(patsubst %.c,%,$(wildcard tests/programs/*.c)) \
                 $(patsubst %.cpp,%,$(wildcard tests/programs/*.cpp)) \
                 $(patsubst %.c,%.so,$(wildcard tests/programs/interposers/*.c)) \
                 tests/programs/early/libearly_alloc.so tests/programs/early/libearly_waits.so \
                 tests/programs/waits_cases_static

SHIM_OBJ     := $(SHIM_SRC:.cpp=.o)
ANALYZER_OBJ := $(ANALYZER_SRC:.cpp=.o)
TEST_OBJ     := $(TEST_SRC:.cpp=.o)

# The shim runs inside other programs: position-independent, no exceptions,
# no RTTI, and no libstdc++ dependency (C programs should not load it). Only
# the hooks are exported (hooks/hooks_*.cpp): internal calls go direct, not via PLT.
# Link-time optimization lets a hook inline the recorder it calls in another
# file (measured: words alloc 40.8 -> 36.3 ms over bare).
SHIM_FLAGS := -falign-functions=64 -flto=auto -fPIC -fno-exceptions -fno-rtti -fno-omit-frame-pointer -fvisibility=hidden
$(SHIM_OBJ): CXXFLAGS += $(SHIM_FLAGS)
# The mutex hooks' uncontended paths are a handful of instructions: setting
# up a frame in each doubled what they add to a lock/unlock pair (measured:
# +1.3 ns a pair with the frame; hooks_mutex.cpp says how sites are found).
preload/hooks/hooks_mutex.o: CXXFLAGS += -fomit-frame-pointer
preload/hooks/hooks_sem_post.o: CXXFLAGS += -fomit-frame-pointer  # the same, for sem_post (hooks_sem_post.cpp)
preload/hooks/hooks_malloc_entry.o: CXXFLAGS += -fomit-frame-pointer  # the same, for malloc and free (malloc_entry.h)

.PHONY: all deps demo test bench bench-cpu soak fuzz clean
all: $(SHIM) $(ANALYZER) $(WORDS) $(MANDELBROT) $(WORDFREQ)

deps:
	@bash .ci/deps.sh

$(SHIM): $(SHIM_OBJ)
	$(CXX) $(CXXFLAGS) $(SHIM_FLAGS) -shared -o $@ $^ -Wl,-Bstatic -lzstd -Wl,-Bdynamic -Wl,--exclude-libs,ALL -ldl -lpthread -Wl,-z,defs -Wl,--as-needed

$(ANALYZER): analyzer/cli/main.o $(ANALYZER_OBJ)
	$(CXX) -o $@ $^ -ldw -lelf -liberty -lzstd -lz -lcurl -pthread

$(WORDS): workloads/words.cpp
	$(CXX) $(CXXFLAGS) -o $@ $<

$(MANDELBROT): workloads/mandelbrot.cpp
	$(CXX) $(CXXFLAGS) -pthread -o $@ $< -lpng

$(WORDFREQ): workloads/wordfreq.cpp
	$(CXX) $(CXXFLAGS) -pthread -o $@ $<

tests/programs/%: tests/programs/%.c
	$(CC) -O1 -g -Wall -pthread -o $@ $<

# Linked with a library whose constructor allocates before the shim's own ran.
tests/programs/early/libearly_alloc.so: tests/programs/early/early_alloc_lib.c
	$(CC) -O1 -g -Wall -shared -fPIC -o $@ $<
tests/programs/early_alloc: tests/programs/early_alloc.c tests/programs/early/libearly_alloc.so
	$(CC) -O1 -g -Wall -o $@ $< -Ltests/programs/early -learly_alloc -Wl,-rpath,'$$ORIGIN/early'

tests/programs/early/libearly_waits.so: tests/programs/early/early_waits_lib.c
	$(CC) -O1 -g -Wall -shared -fPIC -pthread -o $@ $<
tests/programs/early_waits: tests/programs/early_waits.c tests/programs/early/libearly_waits.so
	$(CC) -O1 -g -Wall -pthread -o $@ $< -Ltests/programs/early -learly_waits -Wl,-rpath,'$$ORIGIN/early'

# Static: LD_PRELOAD cannot reach it, and the shim must not change a thing.
tests/programs/waits_cases_static: tests/programs/waits_cases.c
	$(CC) -O1 -g -Wall -pthread -static -o $@ $<

# Built without unwind tables (as some daemons are): libunwind then checks
# each frame's memory through its pipe, the descriptors this program reuses.
tests/programs/fd_reuse: tests/programs/fd_reuse.c
	$(CC) -O1 -Wall -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-omit-frame-pointer -o $@ $<

tests/programs/interposers/%.so: tests/programs/interposers/%.c
	$(CC) -O1 -g -Wall -shared -fPIC -o $@ $< -ldl

tests/programs/%: tests/programs/%.cpp
	$(CXX) $(CXXFLAGS) -pthread -o $@ $<

# The shim's pieces tested in-process (tests/unit/test_shim_*.cpp; the flush,
# module map and unwinder pipe they call are stand-ins, test_shim_doubles.cpp):
# compiled again under their own names, without LTO. Never the hooks: they
# would interpose the test runner's own read and malloc.
SHIM_UNIT_SRC := preload/hooks/loader_gate.cpp preload/hooks/interpose.cpp preload/shim_messages.cpp \
                 preload/settings.cpp preload/record/files.cpp preload/record/stacks.cpp preload/record/alloc_stacks.cpp \
                 preload/log/passing_records.cpp preload/log/arena.cpp preload/record/unwinder_signals.cpp \
                 preload/record/live_blocks.cpp
SHIM_UNIT_OBJ := $(SHIM_UNIT_SRC:.cpp=.unit.o)
SHIM_UNIT_FLAGS := -fPIC -fno-exceptions -fno-rtti -fno-omit-frame-pointer -fvisibility=hidden
preload/%.unit.o: preload/%.cpp
	$(CXX) $(CXXFLAGS) $(SHIM_UNIT_FLAGS) -c -o $@ $<
$(TEST_RUNNER): $(TEST_OBJ) $(ANALYZER_OBJ) $(SHIM_UNIT_OBJ)
	$(CXX) -o $@ $^ -ldw -lelf -liberty -lzstd -lz -lcurl -pthread

demo: deps
	@$(MAKE) --no-print-directory all
	cd workloads && LD_PRELOAD=$(CURDIR)/$(SHIM) ./words $(abspath $(BOOK))
	$(ANALYZER) report workloads/log.bin

test: deps
	@$(MAKE) --no-print-directory all $(TEST_RUNNER) $(TEST_PROGRAMS)
	@python3 tests/bench/bench.py --smoke
	@python3 tests/tools/check_include_direction.py
	@python3 tests/tools/check_mutex_tail_calls.py $(SHIM)
	@cd tests && ./run_tests

# The libFuzzer target over the decoder, analyses, rules and views, with ASan
# and UBSan, seeded with real logs; runs for FUZZ_SECONDS (CI: 60).
FUZZ_SECONDS ?= 60
FUZZ_BIN := tests/fuzz/fuzz_report
FUZZ_SRC := tests/fuzz/fuzz_report.cpp $(filter-out analyzer/cli/cmd_%.cpp analyzer/cli/commands.cpp,$(ANALYZER_SRC))
$(FUZZ_BIN): $(FUZZ_SRC) $(wildcard analyzer/*.h analyzer/*/*.h format/*.h)
	clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $(FUZZ_SRC) -ldw -lelf -liberty -lzstd -lz -lcurl -pthread

fuzz: deps
	@$(MAKE) --no-print-directory all $(TEST_PROGRAMS) $(FUZZ_BIN)
	@bash tests/fuzz/make_corpus.sh tests/fuzz/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 tests/fuzz/corpus

# Paired rounds, bare vs shim vs the tools we compete with (see BENCHMARKS.md).
bench: deps
	@$(MAKE) --no-print-directory all $(TEST_PROGRAMS)
	python3 tests/bench/bench.py --runs $(or $(RUNS),21)

# The CPU profile's cost beside the shim without it, perf and gperftools, and
# whether their hottest function's shares agree (BENCHMARKS.md).
bench-cpu: deps
	@$(MAKE) --no-print-directory all
	python3 tests/bench/cpu_profile.py --runs $(or $(RUNS),11)

# The long run: a two-thread program for SOAK_SECONDS bare, traced and
# sampled; log growth, memory, analyzer speed (see BENCHMARKS.md).
SOAK_SECONDS ?= 60
soak: deps
	@$(MAKE) --no-print-directory all $(TEST_PROGRAMS)
	python3 tests/bench/bench.py --scale $(SOAK_SECONDS)

# `make install PREFIX=/usr/local` (DESTDIR for staging): the analyzer finds
# the shim at bin/../lib/shim/libshim.so, so `analyzer record` works installed.
PREFIX ?= /usr/local
.PHONY: install
install: $(SHIM) $(ANALYZER)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/shim $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(ANALYZER) $(DESTDIR)$(PREFIX)/bin/analyzer
	install -m 644 $(SHIM) $(DESTDIR)$(PREFIX)/lib/shim/libshim.so
	install -m 644 docs/analyzer.1 $(DESTDIR)$(PREFIX)/share/man/man1/analyzer.1

clean:
	rm -f $(SHIM) $(ANALYZER) $(WORDS) $(MANDELBROT) $(WORDFREQ) $(TEST_RUNNER) $(TEST_PROGRAMS) $(FUZZ_BIN)
	rm -rf tests/fuzz/corpus tests/work
	find . -name '*.o' -delete -o -name '*.d' -delete
	rm -f log.bin log.bin.* workloads/log.bin*

-include $(wildcard preload/*.d preload/*/*.d analyzer/*.d analyzer/*/*.d tests/*/*.d)
