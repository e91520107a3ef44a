# Settings: service endpoints and credentials from YAML and the environment.
target_sources(rh_pipeline PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/settings.cc
)
