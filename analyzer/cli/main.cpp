// The analyzer's command line: subcommands only; the work is elsewhere.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
    CLI::App app{"Explains why a program traced by libshim.so is slow.\n"
                 "  LD_PRELOAD=/path/to/libshim.so ./program args   # writes log.bin\n"
                 "  analyzer record -- ./program args               # the same, then the report\n"
                 "  analyzer report log.bin\n"
                 "  analyzer diff before.bin after.bin\n"
                 "  analyzer flame log.bin --what allocs -o allocs.svg\n"
                 "  analyzer timeline log.bin -o trace.json   # open in ui.perfetto.dev\n"
                 "  analyzer pprof log.bin --what allocs -o allocs.pb.gz   # go tool pprof -top allocs.pb.gz\n"
                 "  analyzer ctl PID start|stop|status   # a process started with SHIM_START=paused"};
    app.require_subcommand(1);
    analyzer::add_record_command(app);
    analyzer::add_report_command(app);
    analyzer::add_diff_command(app);
    analyzer::add_flame_command(app);
    analyzer::add_timeline_command(app);
    analyzer::add_pprof_command(app);
    analyzer::add_push_command(app);
    analyzer::add_ctl_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    return analyzer::command_status();
}
