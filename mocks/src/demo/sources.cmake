target_sources(rh_mocks PRIVATE ${CMAKE_CURRENT_LIST_DIR}/demo_world.cc)
target_sources(rh_mocks PRIVATE ${CMAKE_CURRENT_LIST_DIR}/sample_world.cc)
