"""Hot spots: where a service's CPU and GPU time goes, ranked by cost, each matched against
the playbooks. Pure: profile stacks and trace summaries in, records out; reading and writing
the store is :mod:`efficiency.stages.hotspots`.

Three kinds of hot spot, each identified by (service, runtime, frame):

* **CPU frames** (py-spy, perf): a function (its lines folded together), its self and
  inclusive share of the service's samples and its cost in cores (self share times the service's
  busy cores). The evidence names the heaviest line, the five heaviest stacks through the
  frame (a flame-graph excerpt), its heaviest caller, and the code a fix would edit (the frame
  itself when it is the service's code, else its heaviest caller in the service's code: a hot
  ``re._compile`` is fixed where ``re.match`` is called in a loop).
* **GPU operations** (Kineto traces): a kernel, copy or fill (summed over streams and launch
  shapes), its share of the GPU's busy time and its cost in GPU-hours.
* **GPU idle**: the GPU's idle time in HTA's temporal breakdown split by cause (host wait,
  kernel wait, other), its share of the GPU's span and its cost in idle GPU-hours. A
  DataLoader stall, a host sync in the loop or launch overhead show up here.

GPU hot spots carry the trace statistics (``playbooks.TRACE_STATS``) in ``evidence["trace"]``.

This module is the public face; the work is in :mod:`~efficiency.remediate.hotspot_records`
(the records), :mod:`~efficiency.remediate.cpu_hotspots` (frames, and the source at sampled
lines for rules that match on it), :mod:`~efficiency.remediate.trace_stats` and
:mod:`~efficiency.remediate.gpu_hotspots`.
"""

from efficiency.remediate.cpu_hotspots import (
    CALL_SITES_IN_EVIDENCE,
    STACKS_IN_EVIDENCE,
    frame_hotspots,
    frame_shares,
)
from efficiency.remediate.gpu_hotspots import MIN_IDLE_SHARE, gpu_hotspots, gpu_shares
from efficiency.remediate.hotspot_records import (
    ApiRow,
    FrameRef,
    HotspotRecord,
    KernelRow,
    ProfileSet,
    TraceData,
    busy_cores,
    frame_name,
    hotspot_key,
    with_trends,
)
from efficiency.remediate.trace_stats import READBACK_MAX_BYTES, SHORT_KERNEL_US, trace_stats

__all__ = [
    "CALL_SITES_IN_EVIDENCE",
    "MIN_IDLE_SHARE",
    "READBACK_MAX_BYTES",
    "SHORT_KERNEL_US",
    "STACKS_IN_EVIDENCE",
    "ApiRow",
    "FrameRef",
    "HotspotRecord",
    "KernelRow",
    "ProfileSet",
    "TraceData",
    "busy_cores",
    "frame_hotspots",
    "frame_name",
    "frame_shares",
    "gpu_hotspots",
    "gpu_shares",
    "hotspot_key",
    "trace_stats",
    "with_trends",
]
