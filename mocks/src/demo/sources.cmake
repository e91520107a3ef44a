target_sources(rh_mocks PRIVATE ${CMAKE_CURRENT_LIST_DIR}/demo_world.cc)
