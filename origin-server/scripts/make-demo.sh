#!/usr/bin/env bash
# Regenerates the built-in demo (src/main/resources/demo/): an 8-second HLS VOD with two
# MPEG-TS renditions made from ffmpeg's synthetic sources (testsrc2 picture with its own
# running timestamp, 440 Hz sine tone), so the content is licence-free and needs no fonts.
#
# The demo is committed and shipped in the jar, so the output is kept small (under ~700 KB)
# and as reproducible as ffmpeg allows: bitexact flags, no metadata, fixed keyframe cadence,
# and a single x264 thread (with frame threads, x264's VBV rate control is not repeatable).
# Re-running with the same ffmpeg/x264 build gives the same bytes; another build may differ
# in the encoder's version SEI and rate-control decisions.
#
# Audio and video start on the same timestamp so that players (hls.js in particular) see no
# hole at the start of the buffer: no B-frames, so the first video PTS equals its DTS, and the
# audio is shifted by the AAC encoder's 1024-sample priming delay ("asetpts" below).
#
# Media playlists stay at version 3: EXT-X-INDEPENDENT-SEGMENTS is declared once in the
# multivariant playlist, where it covers every rendition (RFC 8216, 4.3.5.1).
#
# The multivariant playlist is written here rather than by ffmpeg so that it carries
# AVERAGE-BANDWIDTH and FRAME-RATE, and so that BANDWIDTH and CODECS are measured from the
# segments actually produced (peak segment bitrate; profile, constraint flags and level read
# from the SPS) instead of taken from the encoder settings.
#
# Usage: origin-server/scripts/make-demo.sh        (needs ffmpeg with libx264 and awk)
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$script_dir/../src/main/resources/demo"

duration=8     # seconds, whole demo
segment=2      # seconds per segment; keyframes are forced on this cadence
fps=25
gop=$((segment * fps))
audio_rate=48000
audio_bitrate=64k

command -v ffmpeg >/dev/null || { echo "make-demo: ffmpeg not found on PATH" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# encode NAME SIZE VIDEO_BITRATE PROFILE LEVEL
encode() {
  local name=$1 size=$2 vbr=$3 profile=$4 level=$5
  mkdir -p "$out/$name"
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=${size}:rate=${fps}:duration=${duration}" \
    -f lavfi -i "sine=frequency=440:sample_rate=${audio_rate}:duration=${duration}" \
    -map 0:v:0 -map 1:a:0 -map_metadata -1 -map_chapters -1 \
    -af "asetpts=PTS+1024/SR/TB" \
    -fflags +bitexact -flags +bitexact \
    -c:v libx264 -threads 1 -profile:v "$profile" -level "$level" -preset medium -pix_fmt yuv420p \
    -b:v "$vbr" -maxrate "$vbr" -bufsize "$vbr" -bf 0 \
    -g "$gop" -keyint_min "$gop" -sc_threshold 0 -force_key_frames "expr:gte(t,n_forced*${segment})" \
    -c:a aac -profile:a aac_low -b:a "$audio_bitrate" -ac 1 -ar "$audio_rate" \
    -f hls -hls_time "$segment" -hls_playlist_type vod -hls_list_size 0 -start_number 0 \
    -hls_segment_type mpegts \
    -hls_segment_filename "$out/$name/seg_%03d.ts" \
    "$out/$name/index.m3u8"
}

# codecs NAME -> RFC 6381 string, e.g. avc1.42c015,mp4a.40.2 (AAC-LC is object type 2)
codecs() {
  local first="$out/$1/seg_000.ts"
  ffmpeg -nostdin -hide_banner -i "$first" -map 0:v:0 -c copy -bsf:v trace_headers -frames:v 1 -f null - 2>&1 |
    awk '
      / profile_idc /        && !p { p = $NF }
      / constraint_set[0-5]_flag / && n < 6 { c = c $NF; n++ }
      / level_idc /          && !l { l = $NF }
      END {
        if (!p || n < 6 || !l) { exit 1 }
        flags = 0; for (i = 1; i <= 6; i++) flags = flags * 2 + substr(c, i, 1)
        printf "avc1.%02x%02x%02x,mp4a.40.2", p, flags * 4, l
      }'
}

# bandwidth NAME -> "PEAK AVERAGE" in bit/s over whole segment files (all muxed streams)
bandwidth() {
  local dir="$out/$1"
  awk -v dir="$dir" '
    /^#EXTINF:/ { sub(/^#EXTINF:/, ""); sub(/,.*/, ""); d = $0 + 0; next }
    /^[^#]/ && d > 0 {
      cmd = "stat -c %s \"" dir "/" $0 "\""; cmd | getline bytes; close(cmd)
      rate = bytes * 8 / d; if (rate > peak) peak = rate
      total += bytes; secs += d; d = 0
    }
    END { printf "%d %d\n", peak + 0.999, total * 8 / secs + 0.999 }' "$dir/index.m3u8"
}

resolution() {
  ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 \
    "$out/$1/seg_000.ts" | awk 'NF { print; exit }'
}

renditions=(
  # name  size     video  profile   level
  "240p   426x240  140k   baseline  2.1"
  "360p   640x360  280k   main      3.0"
)

for r in "${renditions[@]}"; do
  # shellcheck disable=SC2086
  encode $r
done

{
  echo "#EXTM3U"
  echo "#EXT-X-VERSION:3"
  echo "#EXT-X-INDEPENDENT-SEGMENTS"
  for r in "${renditions[@]}"; do
    read -r name _ <<<"$r"
    read -r peak average <<<"$(bandwidth "$name")"
    printf '#EXT-X-STREAM-INF:BANDWIDTH=%s,AVERAGE-BANDWIDTH=%s,RESOLUTION=%s,CODECS="%s",FRAME-RATE=%s\n' \
      "$peak" "$average" "$(resolution "$name")" "$(codecs "$name")" "$(printf '%.3f' "$fps")"
    echo "$name/index.m3u8"
  done
} >"$out/master.m3u8"

ffmpeg_version="$(ffmpeg -version | awk 'NR == 1 { print $3 }')"
cat >"$out/README.txt" <<EOF
Built-in demo for the origin server: an ${duration}-second HLS VOD (master.m3u8) with two
MPEG-TS renditions, 240p (426x240, H.264 constrained baseline) and 360p (640x360, H.264 main),
each with AAC-LC mono audio at ${audio_bitrate}bit/s, cut into ${segment}-second segments that each
start on a keyframe. The picture is ffmpeg's testsrc2 pattern, which draws its own running
timestamp, and the sound is a 440 Hz sine tone, so the content is synthetic and free of any
licence. It was generated by origin-server/scripts/make-demo.sh with ffmpeg ${ffmpeg_version};
do not edit these files by hand, re-run the script instead.
EOF

echo "make-demo: wrote $(du -sb "$out" | cut -f1) bytes to $out" >&2
