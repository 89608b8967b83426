cmake_minimum_required(VERSION 3.20)
# cmake -P check_layering.cmake with FOLDER, DEPENDS, FILES, STAMP (see
# SockdLayer.cmake): fails when a file includes a layer or a package that
# its folder's library does not depend on.

# Which package provides which include prefix.
set(package_prefixes
  "CAF::openssl=caf/openssl/"
  "CAF::io=caf/io/"
  "CAF::core=caf/"
  "PQXX::pqxx=pqxx/"
  "OpenSSL::SSL=openssl/ssl"
  "OpenSSL::Crypto=openssl/"
  "nlohmann_json::nlohmann_json=nlohmann/"
  "Boost::headers=boost/")
# A package that brings another along (CAF::io links CAF::core, ...).
set(implied_CAF::openssl "CAF::io;CAF::core")
set(implied_CAF::io "CAF::core")
set(implied_OpenSSL::SSL "OpenSSL::Crypto")

set(allowed_layers ${FOLDER})
set(allowed_packages "")
foreach(dep IN LISTS DEPENDS)
  if(dep MATCHES "^sockd_(.+)$")
    list(APPEND allowed_layers ${CMAKE_MATCH_1})
  elseif(dep)
    list(APPEND allowed_packages ${dep} ${implied_${dep}})
  endif()
endforeach()

set(violations "")
foreach(file IN LISTS FILES)
  if(NOT file)
    continue()
  endif()
  file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  foreach(line IN LISTS lines)
    if(line MATCHES "include[ \t]*\"([a-z_]+)/")
      set(layer ${CMAKE_MATCH_1})
      if(NOT layer IN_LIST allowed_layers)
        string(APPEND violations
          "  ${file}: ${line}\n    (${FOLDER}/ may include: ${allowed_layers})\n")
      endif()
    elseif(line MATCHES "include[ \t]*<([^>]+)>")
      set(header ${CMAKE_MATCH_1})
      foreach(entry IN LISTS package_prefixes)
        string(REPLACE "=" ";" pair ${entry})
        list(GET pair 0 package)
        list(GET pair 1 prefix)
        string(FIND "${header}" "${prefix}" at)
        if(at EQUAL 0)
          if(NOT package IN_LIST allowed_packages)
            string(APPEND violations
              "  ${file}: ${line}\n    (needs ${package}, which sockd_${FOLDER} does not link)\n")
          endif()
          break()
        endif()
      endforeach()
    endif()
  endforeach()
endforeach()

if(violations)
  message(FATAL_ERROR
    "layering: includes that break docs/architecture.md's arrows:\n"
    "${violations}")
endif()
file(TOUCH ${STAMP})
