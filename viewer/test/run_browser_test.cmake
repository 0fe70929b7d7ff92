# Driver of the Viewer.BrowserReplay test:
#   cmake -DCANOPY=<canopy> -DNODE=<node> -DSCENARIO=<yaml> -DTEST_JS=<browser.test.mjs>
#         -DWORK_DIR=<dir> [-DBACKGROUND=<geojson> -DBAD_BACKGROUND=<geojson>]
#         -P run_browser_test.cmake
# Runs the scenario with --report (and --background BACKGROUND) into
# WORK_DIR/run, then the browser test on WORK_DIR/run/report.html; the
# screenshot goes to WORK_DIR/viewer.png. With BAD_BACKGROUND, first checks
# that `canopy run --report --background BAD` and `canopy report DIR
# --background BAD` exit 2, name the file, and leave nothing written.
foreach(var CANOPY NODE SCENARIO TEST_JS WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_browser_test.cmake: -D${var}=... is required")
  endif()
endforeach()

set(run_dir "${WORK_DIR}/run")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(background_args "")
if(DEFINED BACKGROUND)
  set(background_args --background "${BACKGROUND}")
endif()

if(DEFINED BAD_BACKGROUND)
  # A bad file stops `canopy run` before it runs: exit 2, no run directory.
  execute_process(
    COMMAND "${CANOPY}" run "${SCENARIO}" --out "${WORK_DIR}/bad-run" --report --quiet
            --background "${BAD_BACKGROUND}"
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  get_filename_component(bad_name "${BAD_BACKGROUND}" NAME)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "${bad_name}:[0-9]+:[0-9]+: .*latitude" OR EXISTS "${WORK_DIR}/bad-run")
    message(FATAL_ERROR "canopy run --background <bad>: exit ${rc} (want 2), stderr: ${err}")
  endif()
endif()

execute_process(
  COMMAND "${CANOPY}" run "${SCENARIO}" --out "${run_dir}" --report --quiet ${background_args}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "canopy run --report failed (exit ${rc})")
endif()
foreach(f report.html events.jsonl)
  if(NOT EXISTS "${run_dir}/${f}")
    message(FATAL_ERROR "canopy run --report wrote no ${run_dir}/${f}")
  endif()
endforeach()

if(DEFINED BAD_BACKGROUND)
  # `canopy report` with a bad file: exit 2, report.html untouched.
  file(SHA256 "${run_dir}/report.html" before)
  execute_process(
    COMMAND "${CANOPY}" report "${run_dir}" --quiet --background "${BAD_BACKGROUND}"
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  file(SHA256 "${run_dir}/report.html" after)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "${bad_name}:[0-9]+:[0-9]+: .*latitude" OR NOT before STREQUAL after)
    message(FATAL_ERROR "canopy report --background <bad>: exit ${rc} (want 2), report changed: "
                        "${before} -> ${after}, stderr: ${err}")
  endif()
endif()

set(test_args "")
if(DEFINED BACKGROUND)
  set(test_args --background "${BACKGROUND}")
endif()
execute_process(
  COMMAND "${NODE}" "${TEST_JS}"
          --report "${run_dir}/report.html"
          --events "${run_dir}/events.jsonl"
          --screenshot "${WORK_DIR}/viewer.png"
          ${test_args}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "browser test failed (exit ${rc}); see the output above")
endif()
message(STATUS "screenshot: ${WORK_DIR}/viewer.png")
