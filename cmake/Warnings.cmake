# Project-wide warnings, applied to our own targets only (not to third-party headers).
function(rh_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                         -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wconversion
                         -Wno-sign-conversion -Wno-missing-field-initializers -Wimplicit-fallthrough -Werror=return-type)
endfunction()
