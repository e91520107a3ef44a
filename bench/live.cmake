# bench_live: requests per second over loopback of HttpServer (a fixed-body Service) and of a bare
# Beast server answering the same bytes, both driven by LiveHttpClient. Included from
# bench/CMakeLists.txt. Its bare-Beast baseline compiles Beast, with the same configuration as
# rh_sim_live (rh_beast_config).
add_executable(bench_live bench_live.cc)
target_link_libraries(bench_live PRIVATE rh::sim_live rh::mocks rh_beast_config
                      benchmark::benchmark benchmark::benchmark_main)
rh_set_warnings(bench_live)
