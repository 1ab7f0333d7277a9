# Compiler flags of the fuzz build (VMSS_FUZZ=ON, see tests/fuzz/CMakeLists.txt
# and docs/fuzzing.md). Included from the top CMakeLists.txt before any
# target, so every library a fuzz target links is instrumented for coverage
# and built with AddressSanitizer and UBSan. Undefined behaviour aborts (no
# recovery) so that libFuzzer counts it as a crash.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "VMSS_FUZZ needs clang (libFuzzer): configure a build "
                      "directory of its own with CC=clang CXX=clang++, e.g. "
                      "scripts/fuzz.sh")
endif()
if(VMSS_SANITIZE)
  message(FATAL_ERROR "VMSS_FUZZ brings its own sanitizers: leave "
                      "VMSS_SANITIZE off")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
  -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address,undefined)
