# The decision log: SQLite storage, schema migrations (included from pipeline/CMakeLists.txt).
target_sources(rh_pipeline PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/decision_log.cc
  ${CMAKE_CURRENT_LIST_DIR}/inbox.cc
  ${CMAKE_CURRENT_LIST_DIR}/schema.cc
  ${CMAKE_CURRENT_LIST_DIR}/sqlite.cc
)
