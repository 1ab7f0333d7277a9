# One scenario file: `vmss-sim validate`, `vmss-sim run` into a directory
# of this test's own (WORK, made here and removed after a pass), then
# `vmss-sim trace check`. Fails with the command's output. With UNTIL (a
# duration) the run stops at that virtual time (a scenario too long for CI).
#   cmake -DEXE=vmss-sim -DSCENARIO=FILE -DWORK=DIR [-DUNTIL=10s] -P run_scenario.cmake

function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code
    OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${ARGN}: exit ${code}\n${out}\n${err}")
  endif()
  set(step_out "${out}" PARENT_SCOPE)
endfunction()

# A failed run leaves its trace for a look; the next run removes it (only
# a directory holding this script's marker).
if(EXISTS "${WORK}")
  if(NOT EXISTS "${WORK}/.vmss-scenario-test")
    message(FATAL_ERROR "${WORK} exists and is not this test's")
  endif()
  file(REMOVE_RECURSE "${WORK}")
endif()
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/.vmss-scenario-test" "")
step("${EXE}" validate "${SCENARIO}")
set(until "")
if(NOT "${UNTIL}" STREQUAL "")
  set(until --until "${UNTIL}")
  message(STATUS "run up to ${UNTIL} of virtual time only")
endif()
step("${EXE}" run "${SCENARIO}" --quiet --out "${WORK}/trace" ${until})
string(REGEX MATCH "digest=[0-9a-f]+ events=[0-9]+ virtual_s=[0-9.]+ wall_s=[0-9.]+"
  last "${step_out}")
if(last STREQUAL "")
  message(FATAL_ERROR "no digest line:\n${step_out}")
endif()
message(STATUS "${last}")
step("${EXE}" trace check "${WORK}/trace")
message(STATUS "${step_out}")
file(REMOVE_RECURSE "${WORK}")
