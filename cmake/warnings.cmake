# Warnings for our own targets only; third-party headers come in as SYSTEM.
add_library(sim_warnings INTERFACE)
add_library(sim::warnings ALIAS sim_warnings)
target_compile_options(sim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Woverloaded-virtual -Wold-style-cast)
