#include "cli/commands.h"

namespace splitleak::cli {

std::vector<Command>& commands() {
  static std::vector<Command> all;
  return all;
}

bool add_command(Command command) {
  commands().push_back(std::move(command));
  return true;
}

}  // namespace splitleak::cli
