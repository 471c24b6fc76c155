#include "commands.h"

namespace analyzer {
namespace {

int g_status = 0;

}  // namespace

void set_command_status(int status) { g_status = status; }
int command_status() { return g_status; }

}  // namespace analyzer
