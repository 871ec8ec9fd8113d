# larder_embed_migrations(TARGET tgt SYMBOL name HEADER include FILES 001_a.sql 002_b.sql ...)
# Generates a .cc that defines `const larder::Migration <SYMBOL>[]` and
# `<SYMBOL>_count` from numbered .sql files (NNN_name.sql), regenerated when a
# file changes, and adds it to TGT. The SQL stays readable in its own files.
set(LARDER_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_migrations_script.cmake)

function(larder_embed_migrations)
  cmake_parse_arguments(E "" "TARGET;SYMBOL;HEADER" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${E_SYMBOL}.cc)
  set(abs_files)
  foreach(f ${E_FILES})
    list(APPEND abs_files ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  endforeach()
  string(REPLACE ";" "|" files_arg "${abs_files}")
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${E_SYMBOL} -DHEADER=${E_HEADER}
            "-DFILES=${files_arg}" -P ${LARDER_EMBED_SCRIPT}
    DEPENDS ${abs_files} ${LARDER_EMBED_SCRIPT}
    COMMENT "Embedding migrations ${E_SYMBOL}"
    VERBATIM)
  target_sources(${E_TARGET} PRIVATE ${out})
endfunction()
