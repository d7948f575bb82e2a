# Writes the files ccai-cli prints about itself, for installation: the man page and the bash, zsh and
# fish completion scripts. Run at build time:  cmake -DCLI=<ccai-cli> -DOUT=<dir> -P generate_share.cmake
file(MAKE_DIRECTORY "${OUT}")
foreach(spec "ccai-cli.1;reference;--format;man"
             "ccai-cli.bash;completion;bash"
             "_ccai-cli;completion;zsh"
             "ccai-cli.fish;completion;fish")
  list(POP_FRONT spec name)
  execute_process(COMMAND "${CLI}" ${spec} OUTPUT_FILE "${OUT}/${name}.tmp" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${CLI} ${spec} failed (${rc})")
  endif()
  file(RENAME "${OUT}/${name}.tmp" "${OUT}/${name}")
endforeach()
