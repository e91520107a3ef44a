# The build's identity goes into every trace and report, so a result names the code that made it.
find_package(Git QUIET)
set(REHEARSAL_GIT_DESCRIBE "unknown")
if(GIT_FOUND AND EXISTS "${CMAKE_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                  OUTPUT_VARIABLE REHEARSAL_GIT_DESCRIBE OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET)
  if(NOT REHEARSAL_GIT_DESCRIBE)
    set(REHEARSAL_GIT_DESCRIBE "unknown")
  endif()
endif()
configure_file(${CMAKE_SOURCE_DIR}/cmake/build_info.h.in
               ${CMAKE_BINARY_DIR}/generated/rehearsal/build_info.h @ONLY)
