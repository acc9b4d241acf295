# SIM_SANITIZER is a list: "address;undefined" or "thread". Configuration fails if the
# compiler rejects the flags.
if(SIM_SANITIZER)
  include(CheckCXXSourceCompiles)
  list(JOIN SIM_SANITIZER "," _sim_san)
  set(_sim_san_flags -fsanitize=${_sim_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=${_sim_san}")
  set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=${_sim_san}")
  check_cxx_source_compiles("int main() { return 0; }" SIM_SANITIZER_WORKS)
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT SIM_SANITIZER_WORKS)
    message(FATAL_ERROR "The compiler rejects -fsanitize=${_sim_san}")
  endif()
  add_compile_options(${_sim_san_flags})
  # GCC's instrumentation makes -Wmaybe-uninitialized fire inside libstdc++ (<regex> at -O1,
  # e2e tests); GCC's manual warns that sanitizers raise its false-positive rate. The ci
  # preset still builds everything with this warning as an error.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  add_link_options(-fsanitize=${_sim_san})
endif()
