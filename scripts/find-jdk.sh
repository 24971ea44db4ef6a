# Sourced by ./watchpost and the benchmark scripts: find_jdk prints the home of the newest
# installed JDK 21+ (JAVA_HOME, PATH, /usr/lib/jvm, SDKMAN, ...) or explains what to install.
java_major() { # prints the major version of the JDK at $1, or nothing
  local home=$1 v=""
  [ -x "$home/bin/java" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$home/release" | head -n1)
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n1)
  fi
  [ "$v" = "1" ] && v=8
  echo "$v"
}

find_jdk() { # prints the home of the newest JDK >= 21 that has javac, or fails
  local best="" best_v=0 home v
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
              "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$home" ] && candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/javac" ] || continue
    v=$(java_major "$home")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$home; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    cat >&2 <<'MSG'
watchpost: no JDK 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm).
Install one, for example:
  Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk     (or temurin-21-jdk from adoptium.net)
  macOS:          brew install openjdk@21
or set JAVA_HOME to a JDK 21+ and run this again.
MSG
    return 1
  fi
  echo "$best"
}

