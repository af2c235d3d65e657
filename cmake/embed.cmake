# Turn text files into C arrays: cmake -DOUT=file.c -DNAMES=sym1,sym2 -DFILES=a,b -P embed.cmake
# The site's style sheet and script live in assets/ as the real files they are and
# are compiled into the binary, so `ksurf site` needs nothing installed next to it.
string(REPLACE "," ";" FILES "${FILES}")
string(REPLACE "," ";" NAMES "${NAMES}")
file(WRITE ${OUT}.tmp "/* Generated from assets/ by cmake/embed.cmake: do not edit. */\n")
list(LENGTH FILES n)
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  list(GET FILES ${i} f)
  list(GET NAMES ${i} sym)
  file(READ ${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" hex "${hex}")
  file(APPEND ${OUT}.tmp "const char ${sym}[] = {\n${hex}0x00};\n")
endforeach()
file(RENAME ${OUT}.tmp ${OUT})
