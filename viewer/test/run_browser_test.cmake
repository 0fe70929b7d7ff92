# Driver of the Viewer.BrowserReplay test:
#   cmake -DCANOPY=<canopy> -DNODE=<node> -DSCENARIO=<yaml> -DTEST_JS=<browser.test.mjs>
#         -DWORK_DIR=<dir> -P run_browser_test.cmake
# Runs the scenario with --report into WORK_DIR/run, then the browser test
# on WORK_DIR/run/report.html; the screenshot goes to WORK_DIR/viewer.png.
foreach(var CANOPY NODE SCENARIO TEST_JS WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_browser_test.cmake: -D${var}=... is required")
  endif()
endforeach()

set(run_dir "${WORK_DIR}/run")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

execute_process(
  COMMAND "${CANOPY}" run "${SCENARIO}" --out "${run_dir}" --report --quiet
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "canopy run --report failed (exit ${rc})")
endif()
foreach(f report.html events.jsonl)
  if(NOT EXISTS "${run_dir}/${f}")
    message(FATAL_ERROR "canopy run --report wrote no ${run_dir}/${f}")
  endif()
endforeach()

execute_process(
  COMMAND "${NODE}" "${TEST_JS}"
          --report "${run_dir}/report.html"
          --events "${run_dir}/events.jsonl"
          --screenshot "${WORK_DIR}/viewer.png"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "browser test failed (exit ${rc}); see the output above")
endif()
message(STATUS "screenshot: ${WORK_DIR}/viewer.png")
