# rh_sim_live: the live transports on Boost.Beast (runtime, HTTP server, pooled HTTP client).
# Included from sim/CMakeLists.txt. The only library whose sources include Asio and Beast, kept to
# three translation units because they are slow to compile; its public headers are Asio-free.

# The Asio/Beast configuration, shared by every target that compiles Beast (this library and the
# live benchmark's bare-Beast baseline), so they all see the same inline definitions.
add_library(rh_beast_config INTERFACE)
target_link_libraries(rh_beast_config INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(rh_beast_config INTERFACE
  BOOST_ASIO_NO_DEPRECATED
  # Less to compile: no Boost.DateTime timers, no socket iostreams (neither is used).
  BOOST_ASIO_DISABLE_BOOST_DATE_TIME
  BOOST_ASIO_NO_IOSTREAM)

add_library(rh_sim_live STATIC
  src/live/runtime.cc
  src/live/http_server.cc
  src/live/http_client.cc
)
add_library(rh::sim_live ALIAS rh_sim_live)
target_include_directories(rh_sim_live PUBLIC include)
target_link_libraries(rh_sim_live PUBLIC rh_sim PRIVATE rh_beast_config Threads::Threads)
rh_set_warnings(rh_sim_live)
