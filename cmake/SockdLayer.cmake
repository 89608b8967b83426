# sockd_layer(<folder> [PUBLIC <deps>...] [PRIVATE <deps>...])
#
# One static library per source folder, `sockd_<folder>`, built from the
# folder's .cpp files (subfolders included). Dependencies are other layers
# (`sockd_<name>`) or packages (CAF::core, PQXX::pqxx, ...): PUBLIC when a
# header of the folder needs them, else PRIVATE.
#
# The build checks the layering (cmake/check_layering.cmake): a file of the
# folder may include "<other>/..." only when sockd_<other> is among its
# dependencies, and a package's headers (<boost/...>, <pqxx/...>, ...) only
# when the package is; an include that breaks the arrows of
# docs/architecture.md fails the build, naming the file and the line.
function(sockd_layer folder)
  cmake_parse_arguments(LAYER "" "" "PUBLIC;PRIVATE" ${ARGN})
  set(target sockd_${folder})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp)
  list(FILTER sources EXCLUDE REGEX ".*/main\\.cpp$")
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC ${LAYER_PUBLIC}
                                  PRIVATE ${LAYER_PRIVATE})

  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${target}.layering)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DFOLDER=${folder}
            "-DDEPENDS=${LAYER_PUBLIC};${LAYER_PRIVATE}"
            "-DFILES=${sources};${headers}"
            -DSTAMP=${stamp}
            -P ${PROJECT_SOURCE_DIR}/cmake/check_layering.cmake
    DEPENDS ${sources} ${headers}
            ${PROJECT_SOURCE_DIR}/cmake/check_layering.cmake
    COMMENT "Checking the includes of ${folder}/ against its dependencies"
    VERBATIM)
  add_custom_target(${target}_layering DEPENDS ${stamp})
  add_dependencies(${target} ${target}_layering)
endfunction()
