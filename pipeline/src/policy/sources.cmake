# The policy engine: the store's time zone, the YAML policy and the pure decision (included from
# pipeline/CMakeLists.txt).
target_sources(rh_pipeline PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/store_time.cc
  ${CMAKE_CURRENT_LIST_DIR}/policy_load.cc
  ${CMAKE_CURRENT_LIST_DIR}/decide.cc
)
