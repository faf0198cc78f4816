// The `baton` program.
#include "cli/commands.hpp"

int main(int argc, char** argv) { return baton::cli::run(argc, argv); }
