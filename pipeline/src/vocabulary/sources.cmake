# The pipeline's vocabulary types, below the clients and the workflow alike (included from
# pipeline/CMakeLists.txt).
target_sources(rh_pipeline PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/intent.cc
)
