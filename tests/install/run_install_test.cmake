# cmake --install into WORK_DIR/prefix, check the installed files, then configure, build and run the
# consumer project against it with find_package(ccai).
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}):\n${out}\n${err}")
endif()

include(GNUInstallDirs)
set(expected
  bin/ccai-cli
  include/ccai/client.hpp
  include/ccai/config.hpp
  include/ccai/endpoint.hpp
  include/ccai/operations.hpp
  include/ccai/groups.hpp
  ${CMAKE_INSTALL_LIBDIR}/libccai.a
  ${CMAKE_INSTALL_LIBDIR}/cmake/ccai/ccaiConfig.cmake
  ${CMAKE_INSTALL_LIBDIR}/cmake/ccai/ccaiConfigVersion.cmake
  ${CMAKE_INSTALL_LIBDIR}/cmake/ccai/ccaiTargets.cmake
  share/bash-completion/completions/ccai-cli
  share/zsh/site-functions/_ccai-cli
  share/fish/vendor_completions.d/ccai-cli.fish
  share/man/man1/ccai-cli.1)
if(EXISTS "${BUILD_DIR}/mock/ccai-mock")
  list(APPEND expected bin/ccai-mock)
endif()
foreach(f IN LISTS expected)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

# The installed completion script is the one the installed binary prints.
execute_process(COMMAND "${prefix}/bin/ccai-cli" completion bash OUTPUT_VARIABLE printed RESULT_VARIABLE rc)
file(READ "${prefix}/share/bash-completion/completions/ccai-cli" installed)
if(NOT rc EQUAL 0 OR NOT printed STREQUAL installed)
  message(FATAL_ERROR "installed bash completion differs from `ccai-cli completion bash`")
endif()

set(extra)
if(SANITIZE)
  list(APPEND extra "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${WORK_DIR}/consumer" -G "${GENERATOR}"
          "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_PREFIX_PATH=${prefix}" ${extra}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the consumer failed (${rc}):\n${out}\n${err}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK_DIR}/consumer" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the consumer failed (${rc}):\n${out}\n${err}")
endif()
execute_process(COMMAND "${WORK_DIR}/consumer/consumer" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "/skills/")
  message(FATAL_ERROR "the consumer failed (${rc}): ${out}${err}")
endif()
message(STATUS "consumer printed: ${out}")

# The programs of examples/ build against the installed SDK too, warnings as errors, as their
# CMakeLists.txt says they do on their own.
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${EXAMPLES_DIR}" -B "${WORK_DIR}/examples" -G "${GENERATOR}"
          "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror"
          ${extra}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring examples/ failed (${rc}):\n${out}\n${err}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK_DIR}/examples" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building examples/ against the installed SDK failed (${rc}):\n${out}\n${err}")
endif()
