# Sourced by the wrk scripts: starts the local host for wrk (`wrk-target`, Release, already built) with its scripts in
# FOLDER and events MODE, sets `url` when it is ready (echoing its start-up lines when ECHO is set), and stops it.
start_target() {
  local folder=$1 mode=${2:-}
  coproc TARGET { dotnet run -c Release --no-build --project tests/Pipeline.Benchmarks -- wrk-target "$folder" ${mode:+"$mode"}; }
  while read -r line <&"${TARGET[0]}"; do
    [[ -n ${ECHO:-} ]] && echo "$line"
    [[ $line == ready* ]] && break
  done
  url=$(echo "$line" | cut -d' ' -f2)
}

# Stops the host (closing its input) and prints what it says on the way out.
stop_target() {
  eval "exec ${TARGET[1]}>&-"
  cat <&"${TARGET[0]}"
  wait || true
}
