from __future__ import annotations

from app import (
    MediaPlaylistWriter,
    Rendition,
    Segment,
    render_asset,
    render_master_playlist,
    render_media_playlist,
    target_duration,
)

SEGS = [
    Segment("s0.ts", 6.0),
    Segment("s1.ts", 5.5, byte_range=(1000, 0)),
    Segment("s2.ts", 4.25, discontinuity=True),
]


def test_media_playlist_exact_text() -> None:
    text = render_media_playlist("https://cdn/x/", SEGS)
    assert text == (
        "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXT-X-PLAYLIST-TYPE:VOD\n"
        "#EXTINF:6.000,\nhttps://cdn/x/s0.ts\n"
        "#EXTINF:5.500,\n#EXT-X-BYTERANGE:1000@0\nhttps://cdn/x/s1.ts\n"
        "#EXT-X-DISCONTINUITY\n#EXTINF:4.250,\nhttps://cdn/x/s2.ts\n"
        "#EXT-X-ENDLIST\n"
    )


def test_target_duration_rounds_up() -> None:
    assert target_duration([Segment("a", 6.01), Segment("b", 2.0)]) == 7
    assert target_duration([]) == 1


def test_writer_counts_segments() -> None:
    w = MediaPlaylistWriter("http://h", version=3)
    w.header(4, media_sequence=10)
    for s in SEGS:
        w.segment(s)
    text = w.finish()
    assert w.segment_count == 3
    assert "#EXT-X-MEDIA-SEQUENCE:10\n" in text
    assert text.startswith("#EXTM3U\n#EXT-X-VERSION:3\n")
    assert text.count("#EXTINF:") == 3


def test_master_playlist_sorted_by_bandwidth() -> None:
    text = render_master_playlist(
        [
            Rendition("hi", 5_000_000, "1920x1080", "avc1.640028"),
            Rendition("lo", 800_000, "640x360", "avc1.4d401e"),
        ]
    )
    lines = text.splitlines()
    assert lines[2].startswith("#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360")
    assert lines[3] == "lo/index.m3u8"
    assert lines[5] == "hi/index.m3u8"


def test_render_asset_outputs_every_rendition() -> None:
    rends = [
        Rendition("360p", 800_000, "640x360", "c"),
        Rendition("720p", 2_500_000, "1280x720", "c"),
    ]
    out = render_asset("https://cdn", "a1", rends, SEGS)
    assert sorted(out) == ["360p/index.m3u8", "720p/index.m3u8", "master.m3u8"]
    assert "https://cdn/a1/720p/s2.ts\n" in out["720p/index.m3u8"]
    assert out["360p/index.m3u8"].endswith("#EXT-X-ENDLIST\n")
