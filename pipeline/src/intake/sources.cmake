# Webhook intake: signature checks and deduplication (included from pipeline/CMakeLists.txt).
target_sources(rh_pipeline PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/webhook_intake.cc
)
