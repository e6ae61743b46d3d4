"""Fused numba kernels for the hot daily stages, and the switch between them and the numpy reference.

With numba installed (``pip install privsim[fast]``; ``make run`` and ``make test`` install it) replications run
the kernels; ``PRIVSIM_ENGINE=numpy`` runs the plain-numpy stages, the reference, and is the path without numba.
numba is imported and the kernels loaded (compiled once, then from the on-disk cache) on a process's first
replication, not on import: it costs ≈120 MB and about half a second per process, which a command that
simulates nothing never pays. Both paths give bit-identical results (tests/model/test_engine_paths.py), because:

- each kernel does the reference's float32 arithmetic in the reference's order, with numpy's
  ``maximum``/``minimum`` semantics, and no fast-math (so no fused multiply-adds);
- transcendentals (``exp``, ``expm1``) stay numpy calls between two kernels on both paths, since numba's
  and numpy's SIMD ``exp`` may differ in the last bit;
- draws come from raw PCG64 words of a fresh generator: word ``w`` gives ``(w >> 8) · 2⁻²⁴``, exactly what
  ``Generator.random(dtype=float32)`` makes of it, two draws per 64-bit word, low half first. The words
  themselves come from numpy's PCG64 (128-bit LCG, XSL-RR output) run as four interleaved lanes (``_lanes``,
  ``_fill``), a block at a time inside the kernel that draws (tests/model/test_rng.py checks them word for word
  against ``random_raw``).
"""

from __future__ import annotations

import importlib.util
import os

import numpy as np

from privsim.model.seeds import PCG_MULT

F32 = np.float32
U64 = np.uint64
ENGINES = ("numpy", "numba")
SCALE = F32(1.0 / 16777216.0)    # 2⁻²⁴: a 24-bit draw to [0, 1), as numpy's float32 random
KERNELS: list[str] = []          # the functions compiled together once numba is chosen
HIT_BLOCK = 64                   # customers checked at once for a rare event before it is looked for one by one
LANES = 4                        # PCG64 streams interleaved: word t is lane t mod 4, and each lane jumps 4 steps
MULT_HI, MULT_LO = U64(PCG_MULT >> 64), U64(PCG_MULT & (2**64 - 1))
JUMP = pow(PCG_MULT, LANES, 1 << 128)            # the multiplier of LANES steps at once
JUMP_HI, JUMP_LO = U64(JUMP >> 64), U64(JUMP & (2**64 - 1))


def choose(engine: str | None = None) -> str:
    """The engine path to run: ``engine``, else ``$PRIVSIM_ENGINE``, else numba where installed, else numpy."""
    name = engine or os.environ.get("PRIVSIM_ENGINE", "").strip().lower() or ("numba" if available() else "numpy")
    if name not in ENGINES:
        raise ValueError(f"PRIVSIM_ENGINE={name!r}: choose one of {', '.join(ENGINES)}")
    if name == "numba":
        compile_kernels()
    return name


def available() -> bool:
    """Whether numba is installed (found without importing it)."""
    return importlib.util.find_spec("numba") is not None


def compile_kernels() -> None:
    """Replace every kernel of this module by its numba dispatcher (once; compiled on first call, cached on disk).

    All are replaced before any is called, so a kernel calling another (``draw``, ``_maximum``) finds the
    dispatcher when numba compiles it.
    """
    if not available():
        raise ValueError("PRIVSIM_ENGINE=numba needs numba: pip install 'privsim[fast]'")
    import numba

    module = globals()
    if module["_mulhi"] is _mulhi_python:
        module["_mulhi"] = _mulhi_intrinsic()
    for name in KERNELS:
        if not isinstance(module[name], numba.core.registry.CPUDispatcher):
            module[name] = numba.njit(cache=True, fastmath=False, nogil=True)(module[name])


def kernel(fn):
    """Mark ``fn`` as a kernel: plain Python until :func:`compile_kernels` compiles it."""
    KERNELS.append(fn.__name__)
    return fn


def _mulhi_python(a, b):
    """The high 64 bits of the 128-bit product of two uint64 (the kernels get :func:`_mulhi_intrinsic`'s)."""
    return U64((int(a) * int(b)) >> 64)


_mulhi = _mulhi_python


def _mulhi_intrinsic():
    """``_mulhi`` as one 64 × 64 → 128-bit multiply in LLVM IR (numba has no 128-bit integers)."""
    from llvmlite import ir
    from numba import types
    from numba.extending import intrinsic

    @intrinsic
    def mulhi(typingctx, a, b):
        def codegen(context, builder, signature, args):
            wide = ir.IntType(128)
            product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
            return builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))
        return types.uint64(types.uint64, types.uint64), codegen

    return mulhi


@kernel
def _maximum(a, b):
    """The ``np.maximum`` of two scalars (the first when equal, NaN propagates)."""
    return a if (a >= b or a != a) else b


@kernel
def _minimum(a, b):
    """The ``np.minimum`` of two scalars, alike."""
    return a if (a <= b or a != a) else b


@kernel
def _step(hi, lo, mul_hi, mul_lo, inc_hi, inc_lo):
    """One step of a 128-bit LCG, state·mul + inc (mod 2¹²⁸), on (high, low) uint64 halves."""
    low = lo * mul_lo
    high = hi * mul_lo + lo * mul_hi + _mulhi(lo, mul_lo)
    out = low + inc_lo
    return high + inc_hi + (U64(1) if out < low else U64(0)), out


@kernel
def _output(hi, lo):
    """PCG64's word of a state (XSL-RR): high ⊕ low, rotated right by the top six bits."""
    x = hi ^ lo
    r = hi >> U64(58)
    return (x >> r) | (x << ((U64(64) - r) & U64(63)))


@kernel
def _lanes(seed):
    """The PCG64 numpy seeds from ``generate_state``'s four uint64 words ``seed``, as four interleaved lanes.

    As ``pcg64_set_seed``: inc = 2·(seed₂, seed₃) + 1, state = (inc + (seed₀, seed₁))·MULT + inc, mod 2¹²⁸.
    Lane k starts k + 1 steps on (its first word is word k) and jumps LANES steps at a time: returns the lanes'
    (high, low) states and the increment of LANES steps.
    """
    one = U64(1)
    inc_hi, inc_lo = (seed[2] << one) | (seed[3] >> U64(63)), (seed[3] << one) | one
    lo = inc_lo + seed[1]
    hi = inc_hi + seed[0] + (one if lo < inc_lo else U64(0))
    h, low = _step(hi, lo, MULT_HI, MULT_LO, inc_hi, inc_lo)
    h0, l0 = _step(h, low, MULT_HI, MULT_LO, inc_hi, inc_lo)
    h1, l1 = _step(h0, l0, MULT_HI, MULT_LO, inc_hi, inc_lo)
    h2, l2 = _step(h1, l1, MULT_HI, MULT_LO, inc_hi, inc_lo)
    h3, l3 = _step(h2, l2, MULT_HI, MULT_LO, inc_hi, inc_lo)
    add_hi, add_lo = inc_hi, inc_lo                     # the increment of LANES steps: LANES steps from 0
    for _ in range(LANES - 1):
        add_hi, add_lo = _step(add_hi, add_lo, MULT_HI, MULT_LO, inc_hi, inc_lo)
    return (h0, l0, h1, l1, h2, l2, h3, l3), (add_hi, add_lo)


@kernel
def _fill(lanes, add, out, count):
    """The lanes' next ``count`` words into ``out[:count]``; returns the lanes after them.

    ``count`` is a multiple of LANES, or the last words wanted. The four multiplies run side by side instead of
    one after another (0.79 → 0.41 ns a draw).
    """
    h0, l0, h1, l1, h2, l2, h3, l3 = lanes
    add_hi, add_lo = add
    t = 0
    while t + LANES <= count:
        out[t], out[t + 1], out[t + 2], out[t + 3] = _output(h0, l0), _output(h1, l1), _output(h2, l2), _output(h3, l3)
        h0, l0 = _step(h0, l0, JUMP_HI, JUMP_LO, add_hi, add_lo)
        h1, l1 = _step(h1, l1, JUMP_HI, JUMP_LO, add_hi, add_lo)
        h2, l2 = _step(h2, l2, JUMP_HI, JUMP_LO, add_hi, add_lo)
        h3, l3 = _step(h3, l3, JUMP_HI, JUMP_LO, add_hi, add_lo)
        t += LANES
    if t < count:
        out[t] = _output(h0, l0)
    if t + 1 < count:
        out[t + 1] = _output(h1, l1)
    if t + 2 < count:
        out[t + 2] = _output(h2, l2)
    return h0, l0, h1, l1, h2, l2, h3, l3


@kernel
def seeded_words(seed, out):
    """``out`` (uint64) filled with the words numpy's ``random_raw`` gives of the PCG64 seeded from ``seed``."""
    lanes, add = _lanes(seed)
    _fill(lanes, add, out, out.size)


@kernel
def draw(words, i):
    """Draw ``i`` of a fresh generator from its 32-bit words."""
    return F32(words[i] >> np.uint32(8)) * SCALE


@kernel
def trust_day(trust, base, load, extra, good, rho, gain, loss, has_load, has_extra, has_good, concern, drift,
              inv_base, switching, base_hazard, churn, intent, neg_h):
    """T ← clip(T + ρ·(T̄ − T) + α·(1 − T)·G − λα·T·B), and the churn hazard of the new T; concern drifts.

    B = c·W + ``extra``, each term there if its flag is (c·W with today's concern, before it drifts;
    ``extra`` the day's shocks, or the whole of B when the exposure stage formed it), as exposure would.

    The churn stage's chronic intent q_T goes into ``intent`` and −max(0, h_seg + s·q_T/365) into ``neg_h``
    (for ``expm1``) while T is at hand: the opt-out stage between them changes none of their inputs, and one
    pass instead of two saves re-reading T and T̄ (1.89 → 1.46 ns a customer). ``churn`` holds (ω_T, ω_L,
    q_L, 1/365); ``drift`` 0: none.
    """
    one, zero = F32(1.0), F32(0.0)
    intent_trust, loyalty, loyalty_max, per_day = churn
    for i in range(trust.size):
        t, b = trust[i], base[i]
        step = (b - t) * rho
        if has_good:
            step += ((one - t) * good[i]) * gain
        if has_load or has_extra:
            if has_load:
                bad = concern[i] * load[i]
                if has_extra:
                    bad += extra[i]
            else:
                bad = extra[i]
            step -= (t * bad) * loss
        t = _minimum(_maximum(t + step, zero), one)
        trust[i] = t
        deficit = (b - t) * inv_base[i]
        q = _maximum(deficit, zero) * intent_trust
        if loyalty != zero:
            q = q - _minimum(_maximum(-deficit, zero) * loyalty, loyalty_max)
        intent[i] = q
        neg_h[i] = -_maximum((switching[i] * q) * per_day + base_hazard[i], zero)
    if drift != zero:
        for i in range(concern.size):
            concern[i] = _minimum(_maximum(concern[i] + drift, zero), one)


@kernel
def churn_draws(seed, neg_p, gone, stated, intent, decay, has_stated):
    """Who leaves (u < p, p = −``neg_p``) into ``gone``, returning how many; stated intent decays into ``intent``.

    The draws are made a block of ``HIT_BLOCK`` at a time from the generator's ``seed`` words (no buffer of
    every customer's words written and read back: 1.0 → 0.75 ms for 1M customers). Leavers are rare: a block
    is first checked for any (a loop without stores, which the compiler vectorises) and searched only then.
    The check indexes with an unsigned ``j``: a signed index from a stepped range gets numba's negative-index
    wrap, which the vectoriser can only do with gathers (2.1 → 0.18 ms for 1M customers).
    """
    lanes, add = _lanes(seed)
    buf = np.empty(HIT_BLOCK // 2, dtype=np.uint64)
    words = buf.view(np.uint32)
    count = 0
    n = neg_p.size
    for lo in range(0, n, HIT_BLOCK):
        hi = min(lo + HIT_BLOCK, n)
        lanes = _fill(lanes, add, buf, (hi - lo + 1) // 2)
        start = U64(lo)
        hit = False
        for i in range(lo, hi):
            j = U64(i)
            hit |= draw(words, j - start) < -neg_p[j]
        if hit:
            for i in range(lo, hi):
                if draw(words, i - lo) < -neg_p[i]:
                    gone[count] = i
                    count += 1
    if has_stated:
        one = F32(1.0)
        for i in range(n):
            s = stated[i] * decay
            stated[i] = s
            intent[i] = _minimum(intent[i] + s, one)
    return count


@kernel
def trust_exponent(trust, scale, out):
    """−β·(T − ½) into ``out``, the exponent of the opt-out hazards' trust factor (behavior.trust_factor)."""
    half = F32(0.5)
    for i in range(trust.size):
        out[i] = (trust[i] - half) * scale


@kernel
def send_hazards(reach, asked, felt, concern, factor, neg_unsub, neg_complaint,
                 intrusion_scale, unsub_scale, complaint_scale, sends_unsub, sends_complaint, after_opt_out):
    """Per-send hazards of reached customers, negated for ``expm1`` (behavior.per_send_hazards, × today's sends).

    Customers not reached get 0 (``opt_out_draws`` relies on it).
    """
    one, zero = F32(1.0), F32(0.0)
    for i in range(reach.size):
        if not reach[i]:
            neg_unsub[i] = zero
            neg_complaint[i] = zero
        elif asked[i]:
            neg_unsub[i] = -zero
            neg_complaint[i] = -after_opt_out
        else:
            intrusion = (felt[i] * concern[i]) * intrusion_scale + one
            neg_unsub[i] = -(((factor[i] * intrusion) * unsub_scale) * sends_unsub)
            neg_complaint[i] = -((intrusion * complaint_scale) * sends_complaint)


@kernel
def review_hazard(reach, felt, concern, factor, neg_h, scale):
    """Review hazard r·x·m·c·e^(−β(T−½)) of reached customers, negated for ``expm1`` (behavior.review_hazard).

    Customers not reached get 0 (``opt_out_draws`` relies on it).
    """
    zero = F32(0.0)
    for i in range(reach.size):
        neg_h[i] = -(((factor[i] * felt[i]) * concern[i]) * scale) if reach[i] else zero


@kernel
def opt_out_draws(seed, asked, neg_unsub, complaint, sends, out):
    """Reached customers who opt out (u < P_unsub, not asked before) and, with ``sends``, who complain (P given).

    Opt-outs fill ``out`` from the front, complaints from the back (both in customer order, the
    complaints reversed); returns both counts. Customers not reached have both probabilities 0
    (``send_hazards``, ``review_hazard``), so no draw of theirs passes: the loop never branches on reach,
    which is as random as consent and would be mispredicted half the time (3.1 → 0.85 ns a customer).
    The draws come a block at a time from the generator's ``seed`` words, as in ``churn_draws``.
    """
    lanes, add = _lanes(seed)
    buf = np.empty(HIT_BLOCK // 2, dtype=np.uint64)
    words = buf.view(np.uint32)
    leave, spam = 0, 0
    n = neg_unsub.size
    for lo in range(0, n, HIT_BLOCK):      # blocks without an opt-out or a complaint are skipped, as in churn
        hi = min(lo + HIT_BLOCK, n)
        lanes = _fill(lanes, add, buf, (hi - lo + 1) // 2)
        start = U64(lo)
        hit = False
        if sends:
            for i in range(lo, hi):
                j = U64(i)
                hit |= draw(words, j - start) < -neg_unsub[j] + complaint[j]
        else:
            for i in range(lo, hi):
                j = U64(i)
                hit |= draw(words, j - start) < -neg_unsub[j]
        if not hit:
            continue
        for i in range(lo, hi):
            u = draw(words, i - lo)
            unsub = -neg_unsub[i]
            if u < unsub:
                if not asked[i]:
                    out[leave] = i
                    leave += 1
            elif sends and u < unsub + complaint[i]:
                spam += 1
                out[out.size - spam] = i
    return leave, spam


@kernel
def refresh_rows(idx, reach, learned, informed, consent, granted, consented, dark, level, dark_level, x, g,
                 felt, load, good):
    """Felt intrusion m_ik of customers ``idx`` in every flow, their load W = Σ x_k·m_ik and good load G.

    As ``Practices.refresh``: m is 0 unless reached and known (heard of or told), a flow's level otherwise,
    the dark-pattern weight for a consent given in a dark pattern and then learned of; returns whether any
    W and any G are not 0. The conditions are combined bitwise and selected, never branched on: reach,
    knowledge and consent are as random as customers' answers (19 → 8 ms for 600k customers, three flows).
    """
    zero, one = F32(0.0), F32(1.0)
    any_load, any_good = False, False
    for j in range(idx.size):
        i = U64(idx[j])        # unsigned: no negative-index wrap on each of the 2-D loads below
        w, v = zero, zero
        for k in range(reach.shape[0]):
            on, heard, yes = reach[k, i], learned[k, i], consent[k, i] == granted
            m = dark_level if (consented[k] & dark[k] & heard & yes) else level[k]
            m = m if (on & (heard | informed[k, i])) else zero
            felt[k, i] = m
            w = w + x[k] * m
            if g[k] != zero:
                v = v + g[k] * (one if (on & yes) else zero)
        load[i] = w
        good[i] = v
        any_load |= w != zero
        any_good |= v != zero
    return any_load, any_good


@kernel
def add_counts(idx, segment, into):
    """Add the number of customers ``idx`` in each segment to ``into`` (float64), as ``+= np.bincount``."""
    counts = np.zeros(into.size, dtype=np.int64)
    for j in range(idx.size):
        counts[segment[idx[j]]] += 1
    for s in range(into.size):
        into[s] += np.float64(counts[s])


@kernel
def segment_totals(idx, segment, value, counts, values):
    """Customers ``idx`` per segment into ``counts`` and their ``value`` per segment into ``values``.

    As ``np.bincount`` of their segments, unweighted and weighted: float64 sums in ``idx`` order from 0.
    """
    counts[:] = 0
    values[:] = 0.0
    for j in range(idx.size):
        s = segment[idx[j]]
        counts[s] += 1
        values[s] += np.float64(value[idx[j]])


@kernel
def retire(idx, day, segment, value, churned, active_count, active_value, active, churned_day, state, counts, values):
    """Customers ``idx`` leave on ``day`` (churn.deactivate): per-segment totals, inactive, their ``state`` zeroed.

    The totals of ``segment_totals`` are added to ``churned`` and taken from the active count and value, as the
    reference does.
    """
    segment_totals(idx, segment, value, counts, values)
    for j in range(idx.size):
        i = idx[j]
        active[i] = False
        churned_day[i] = day
        for arr in state:
            arr[i] = F32(0.0)
    for s in range(counts.size):
        churned[s] += np.float64(counts[s])
        active_count[s] -= counts[s]
        active_value[s] -= values[s]


@kernel
def leave_flows(idx, segment, value, reach, reach_count, reach_value, felt, load, good, values):
    """Customers ``idx`` leave every flow (``Practices.leave``); returns whether any flow reached one of them.

    Each flow's per-segment totals lose them as ``np.bincount`` sums them (in ``idx`` order, ``values`` the
    scratch of one flow's sums).
    """
    reached = False
    for k in range(reach.shape[0]):
        values[:] = 0.0
        for j in range(idx.size):
            i = idx[j]
            if reach[k, i]:
                reached = True
                s = segment[i]
                reach_count[k, s] -= 1
                values[s] += np.float64(value[i])
        for s in range(values.size):
            reach_value[k, s] -= values[s]
    if reached:
        for j in range(idx.size):
            i = idx[j]
            for k in range(reach.shape[0]):
                reach[k, i] = False
                felt[k, i] = F32(0.0)
            load[i] = F32(0.0)
            good[i] = F32(0.0)
    return reached


@kernel
def grid_hazard(settled, gap, decay, base, inv_base, base_hazard, switching, intent_trust, loyalty,
                loyalty_max, step, delta_at, h_prev, h, cumulative, neg_arg):
    """One grid point of the terminal value's survival (money.discounted_survival), float64.

    Trust T = T* + (T0 − T*)·decay, the churn hazard h of its chronic intent, ∫h by the trapezoid,
    and −∫h − δt into ``neg_arg`` for ``exp``.
    """
    zero = 0.0
    for i in range(h.size):
        deficit = (base[i] - (settled[i] + gap[i] * np.float64(decay[i]))) * inv_base[i]
        q = _maximum(deficit, zero) * intent_trust
        if loyalty != zero:
            q = q - _minimum(_maximum(-deficit, zero) * loyalty, loyalty_max)
        hi = _maximum(base_hazard[i] + switching[i] * q, zero)
        h[i] = hi
        cumulative[i] += 0.5 * (h_prev[i] + hi) * step
        neg_arg[i] = -cumulative[i] - delta_at


@kernel
def grid_total(years, start, step, f_prev, f, total):
    """Add one grid step of discounted survival, ½(f_prev + f)·step, for the part of it before each exit."""
    for i in range(total.size):
        inside = _minimum(_maximum((years[i] - start) / step, 0.0), 1.0)
        total[i] += 0.5 * (f_prev[i] + f[i]) * step * inside
