#!/usr/bin/env python3
"""Test vectors for the timestamp catalogue (shared/time), written to test/fixtures/time/vectors.json.

Expected values are computed here from each format's published definition with Python's
standard library (datetime, zoneinfo, struct, fractions, calendar), independently of the
TypeScript decoders: nothing is shared but the format names. Run it again after adding a
format or a vector and commit the json:  python3 scripts/time-vectors.py
"""
import json
import math
import re
import struct
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1)
OUT = Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'time' / 'vectors.json'


class Refused(Exception):
    """The definition says this value is not a valid point in time."""


# --- helpers -------------------------------------------------------------------------

def ns_of_naive(dt, nano=0):
    """ns since 1970 of a naive datetime read as UTC (+ extra ns)."""
    delta = dt - EPOCH
    return (delta.days * 86400 + delta.seconds) * 10**9 + delta.microseconds * 1000 + nano


def iso(ns, digits):
    secs, nano = divmod(ns, 10**9)
    dt = EPOCH + timedelta(seconds=secs)
    text = f'{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}'
    if digits:
        text += '.' + f'{nano:09d}'[:digits]
    return text + 'Z'


def rnd(fr):
    """Round a Fraction to an integer, halves away from zero."""
    n = math.floor(abs(fr) + Fraction(1, 2))
    return n if fr >= 0 else -n


def frac(v):
    return Fraction(repr(v)) if isinstance(v, float) else Fraction(str(v))


def local_ns(naive, opts, nano=0):
    """A wall-clock time in opts.timeZone (default UTC) with opts.dst (default reject)."""
    tz = opts.get('timeZone', 'UTC')
    policy = opts.get('dst', 'reject')
    if tz == 'UTC':
        return ns_of_naive(naive, nano)
    zone = ZoneInfo(tz)
    results = []
    for fold in (0, 1):
        aware = naive.replace(tzinfo=zone, fold=fold)
        utc = aware.astimezone(UTC).replace(tzinfo=None)
        back = utc.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
        results.append((utc, back == naive))
    utcs = sorted({r[0] for r in results})
    exists = any(r[1] for r in results)
    if len(utcs) == 1:
        return ns_of_naive(utcs[0], nano)
    if policy == 'reject':
        raise Refused('does not exist' if not exists else 'occurs twice')
    pick = utcs[0] if policy == 'earlier' else utcs[-1]
    return ns_of_naive(pick, nano)


def h2b(h):
    return bytes.fromhex(h[2:] if h.lower().startswith('0x') else h)


def bcd_of(byte, what='field'):
    hi, lo = byte >> 4, byte & 15
    if hi > 9 or lo > 9:
        raise Refused('not BCD')
    return hi * 10 + lo


def to_bcd(n):
    return ((n // 10) << 4) | (n % 10)


def hexs(b):
    return '0x' + b.hex().upper()


def pivot(yy, opts):
    p = opts.get('pivotYear', 70)
    return 1900 + yy if yy >= p else 2000 + yy


def dt_fields(y, mo, d, h=0, mi=0, s=0):
    try:
        return datetime(y, mo, d, h, mi, s)
    except ValueError as e:
        raise Refused(str(e))


# Leap seconds: (UTC date from which it applies, TAI-UTC) per IERS Bulletin C; GPS-UTC = TAI-UTC - 19.
TAI_UTC = [(date(1980, 1, 1), 19), (date(1981, 7, 1), 20), (date(1982, 7, 1), 21), (date(1983, 7, 1), 22),
           (date(1985, 7, 1), 23), (date(1988, 1, 1), 24), (date(1990, 1, 1), 25), (date(1991, 1, 1), 26),
           (date(1992, 7, 1), 27), (date(1993, 7, 1), 28), (date(1994, 7, 1), 29), (date(1996, 1, 1), 30),
           (date(1997, 7, 1), 31), (date(1999, 1, 1), 32), (date(2006, 1, 1), 33), (date(2009, 1, 1), 34),
           (date(2012, 7, 1), 35), (date(2015, 7, 1), 36), (date(2017, 1, 1), 37)]
GPS_EPOCH_NS = ns_of_naive(datetime(1980, 1, 6))


def gps_minus_utc_at(utc_ns):
    n = 0
    for d, tai in TAI_UTC:
        if ns_of_naive(datetime(d.year, d.month, d.day)) <= utc_ns:
            n = tai - 19
    return n


def gps_to_utc(gps_ns):
    """Solve UTC + (GPS-UTC)(UTC) = GPS; a GPS time inside an inserted leap second has no UTC
    solution and is held at the following midnight (the catalogue's documented rule)."""
    g = GPS_EPOCH_NS + gps_ns
    for n in range(0, 19):
        u = g - n * 10**9
        if gps_minus_utc_at(u) == n:
            return u
    for d, tai in TAI_UTC[1:]:
        start = ns_of_naive(datetime(d.year, d.month, d.day))
        if start + (tai - 20) * 10**9 <= g < start + (tai - 19) * 10**9:
            return start
    raise AssertionError('no UTC for GPS time')


# --- decoders from the definitions -----------------------------------------------------
# Each returns (ns, digits). `opts` are the decode options of the vector.

def linear(epoch_dt, unit_ns, step_ns, integer=False):
    def dec(v, opts):
        f = frac(v)
        if integer and f.denominator != 1:
            raise Refused('has a fraction')
        return rnd(f * unit_ns / step_ns) * step_ns + ns_of_naive(epoch_dt)
    return dec


def decimal_text(unit_digits, cut):
    """cut: digits below 1 ns are cut (text kept as written), else refused (integer text)."""
    def dec(v, opts):
        m = re.fullmatch(r'(-?)(\d+)(?:\.(\d+))?', v)
        if not m:
            raise Refused('not a decimal')
        f = m.group(3) or ''
        if unit_digits + len(f) > 9:
            if not cut:
                raise Refused('below 1 ns')
            f = f[:9 - unit_digits]
        digits = unit_digits + len(f)
        n = int(m.group(2) + f) * 10 ** (9 - digits)
        return (-n if m.group(1) else n), digits
    return dec


def words(order, value, size):
    be = value.to_bytes(size, 'big')
    return bytes(be[ord(c) - 97] for c in order)


def unwords(order, wire):
    be = bytearray(len(order))
    for pos, c in enumerate(order):
        be[ord(c) - 97] = wire[pos]
    return int.from_bytes(be, 'big')


def reg_u32(order):
    return lambda v, o: unwords(order, h2b(v)) * 10**9


def reg_u64(order):
    def dec(v, o):
        ms = unwords(order, h2b(v))
        if ms > ns_of_naive(datetime(9999, 12, 31, 23, 59, 59)) // 10**6 + 999:
            raise Refused('after 9999')
        return ms * 10**6
    return dec


E1601 = datetime(1601, 1, 1)


def opcua(v, o):
    t = int(v)
    if t == 0 or t == 2**63 - 1 or t < 0:
        raise Refused('null / end / negative')
    return ns_of_naive(E1601) + t * 100


def opcua_le(v, o):
    t = struct.unpack('<q', h2b(v))[0]
    if t <= 0 or t == 2**63 - 1:
        raise Refused('null / end / negative')
    return ns_of_naive(E1601) + t * 100


def filetime(v, o):
    t = int(v)
    if not 0 <= t < 2**63:
        raise Refused('range')
    return ns_of_naive(E1601) + t * 100


def dotnet(v, o):
    t = int(v)
    if not 0 <= t <= 3155378975999999999:
        raise Refused('range')
    return ns_of_naive(datetime(1, 1, 1)) + t * 100


def excel1900(v, o):
    f = frac(v)
    if f < 1 or f >= 2958466:
        raise Refused('range')
    if 60 <= f < 61:
        raise Refused('1900-02-29 does not exist')
    # Definition: serial 1 = 1900-01-01 and Excel counts a fictitious 1900-02-29 as 60.
    base = datetime(1899, 12, 31) if f < 60 else datetime(1899, 12, 30)
    ms = rnd(f * 86400000)
    return local_ns(base + timedelta(milliseconds=ms), o)


def excel1904(v, o):
    f = frac(v)
    if f < 0:
        raise Refused('range')
    return local_ns(datetime(1904, 1, 1) + timedelta(milliseconds=rnd(f * 86400000)), o)


def ole(v, o):
    f = frac(v)
    whole = math.trunc(f)
    part = abs(f - whole)
    ms = whole * 86400000 + rnd(part * 86400000)
    return local_ns(datetime(1899, 12, 30) + timedelta(milliseconds=ms), o)


def s7_dt(v, o):
    b = h2b(v)
    yy = bcd_of(b[0])
    year = 1900 + yy if yy >= 90 else 2000 + yy
    mo, d, h, mi, s = (bcd_of(x) for x in b[1:6])
    ms = bcd_of(b[6]) * 10 + (b[7] >> 4)
    if (b[7] >> 4) > 9:
        raise Refused('not BCD')
    wd = b[7] & 15
    dt = dt_fields(year, mo, d, h, mi, s)
    if wd and wd != dt.isoweekday() % 7 + 1:  # Siemens: 1 = Sunday
        raise Refused('weekday')
    return local_ns(dt, o, ms * 10**6)


def s7_dtl(v, o):
    y, mo, d, wd, h, mi, s, nano = struct.unpack('>HBBBBBBI', h2b(v))
    if not 1970 <= y <= 2262 or nano > 999999999:
        raise Refused('range')
    dt = dt_fields(y, mo, d, h, mi, s)
    if wd and wd != dt.isoweekday() % 7 + 1:
        raise Refused('weekday')
    return local_ns(dt, o, nano)


def s7_date(v, o):
    n = int(v)
    if not 0 <= n <= 65378:
        raise Refused('range')
    return local_ns(datetime(1990, 1, 1) + timedelta(days=n), o)


def ms_of_day(v, o):
    n = int(v)
    if not 0 <= n < 86400000:
        raise Refused('range')
    return n * 10**6


def s5time(v, o):
    w = struct.unpack('>H', h2b(v))[0]
    if w >> 14:
        raise Refused('bits 15-14')
    base_ms = {0: 10, 1: 100, 2: 1000, 3: 10000}[(w >> 12) & 3]
    d2, d1, d0 = (w >> 8) & 15, (w >> 4) & 15, w & 15
    if max(d2, d1, d0) > 9:
        raise Refused('not BCD')
    return (d2 * 100 + d1 * 10 + d0) * base_ms * 10**6


def iec_dt(v, o):
    m = re.fullmatch(r'(?i)(?:DT|DATE_AND_TIME)#(\d{4})-(\d{1,2})-(\d{1,2})-(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?', v)
    if not m:
        raise Refused('syntax')
    f = (m.group(7) or '')[:9]  # digits below 1 ns are cut
    dt = dt_fields(*(int(m.group(i)) for i in range(1, 7)))
    return local_ns(dt, o, int(f.ljust(9, '0')) if f else 0), len(f)


def iec_tod(v, o):
    m = re.fullmatch(r'(?i)(?:TOD|TIME_OF_DAY)#(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?', v)
    if not m:
        raise Refused('syntax')
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if h > 23 or mi > 59 or s > 59:
        raise Refused('range')
    f = (m.group(4) or '')[:9]  # digits below 1 ns are cut
    return (h * 3600 + mi * 60 + s) * 10**9 + (int(f.ljust(9, '0')) if f else 0), len(f)


def iec_date(v, o):
    m = re.fullmatch(r'(?i)(?:D|DATE)#(\d{4})-(\d{1,2})-(\d{1,2})', v)
    if not m:
        raise Refused('syntax')
    return local_ns(dt_fields(int(m.group(1)), int(m.group(2)), int(m.group(3))), o)


def bacnet(v, o, with_time=True):
    b = h2b(v)
    if 0xFF in b[0:3] or (with_time and 0xFF in b[4:7]):
        raise Refused('wildcard')
    if b[1] in (13, 14) or b[2] in (32, 33, 34):
        raise Refused('pattern')
    dt = dt_fields(1900 + b[0], b[1], b[2], *((b[4], b[5], b[6]) if with_time else ()))
    if b[3] != 0xFF and b[3] != dt.isoweekday():  # BACnet: 1 = Monday
        raise Refused('weekday')
    hundredths = 0 if not with_time or b[7] == 0xFF else b[7]
    if hundredths > 99:
        raise Refused('hundredths')
    return local_ns(dt, o, hundredths * 10**7)


def clock_bin(v, o):
    y, mo, d, h, mi, s = struct.unpack('>6H', h2b(v))
    return local_ns(dt_fields(pivot(y, o) if y < 100 else y, mo, d, h, mi, s), o)


def clock_bcd(v, o):
    b = h2b(v)
    f = [bcd_of(b[2 * k]) * 100 + bcd_of(b[2 * k + 1]) for k in range(6)]
    y = f[0]
    return local_ns(dt_fields(pivot(y, o) if y < 100 else y, *f[1:]), o)


def clock_3reg(v, o):
    b = h2b(v)
    if b[0] > 99:
        raise Refused('year')
    return local_ns(dt_fields(pivot(b[0], o), *b[1:6]), o)


def bcd6(v, o):
    f = [bcd_of(x) for x in h2b(v)]
    return local_ns(dt_fields(pivot(f[0], o), *f[1:]), o)


def bcd7(v, o):
    f = [bcd_of(x) for x in h2b(v)]
    return local_ns(dt_fields(f[0] * 100 + f[1], *f[2:]), o)


def dos(v, o):
    n = int(v)
    d, t = n >> 16, n & 0xFFFF
    if (t & 31) > 29:
        raise Refused('seconds')
    return local_ns(dt_fields(1980 + (d >> 9), (d >> 5) & 15, d & 31, t >> 11, (t >> 5) & 63, (t & 31) * 2), o)


def digits(width, layout):
    def dec(v, o):
        t = str(v)
        if not t.isdigit() or len(t) > width:
            raise Refused('digits')
        t = t.zfill(width)
        if layout == 'yyyymmddhhmmss':
            return local_ns(datetime.strptime(t, '%Y%m%d%H%M%S'), o) if valid(t, '%Y%m%d%H%M%S') else refuse()
        if layout == 'yymmddhhmmss':
            return local_ns(dt_fields(pivot(int(t[:2]), o), int(t[2:4]), int(t[4:6]), int(t[6:8]), int(t[8:10]), int(t[10:12])), o)
        if layout == 'yyyymmdd':
            return local_ns(datetime.strptime(t, '%Y%m%d'), o) if valid(t, '%Y%m%d') else refuse()
        if layout == 'yyyymmddhhmmssfff':
            return local_ns(datetime.strptime(t[:14], '%Y%m%d%H%M%S'), o, int(t[14:]) * 10**6) if valid(t[:14], '%Y%m%d%H%M%S') else refuse()
    return dec


def valid(t, fmt):
    try:
        datetime.strptime(t, fmt)
        return True
    except ValueError:
        return False


def refuse():
    raise Refused('invalid')


def offset_ns(text):
    if text in ('Z', 'z'):
        return 0
    m = re.fullmatch(r'([+-])(\d{2}):?(\d{2})?', text)
    mins = int(m.group(2)) * 60 + int(m.group(3) or 0)
    return (-1 if m.group(1) == '-' else 1) * mins * 60 * 10**9


def iso_text(pattern, offset_rule):
    def dec(v, o):
        m = re.fullmatch(pattern, v)
        if not m:
            raise Refused('syntax')
        y, mo, d, h, mi, s, f, off = m.groups()
        f = f[:9] if f else f  # digits below 1 ns are cut
        if offset_rule == 'forbidden' and off:
            raise Refused('offset')
        dt = dt_fields(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
        nano = int(f.ljust(9, '0')) if f else 0
        if off:
            return ns_of_naive(dt, nano) - offset_ns(off), len(f or '')
        return local_ns(dt, o, nano), len(f or '')
    return dec


ISO_EXT = r'(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?'
ISO_BASIC = r'(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?:\d{2})?)?'
RFC3339 = r'(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})'


def iso_date(v, o):
    if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', v) or not valid(v, '%Y-%m-%d'):
        raise Refused('date')
    return local_ns(datetime.strptime(v, '%Y-%m-%d'), o)


RFC_ZONES = {'UT': 0, 'GMT': 0, 'Z': 0, 'EST': -5, 'EDT': -4, 'CST': -6, 'CDT': -5, 'MST': -7, 'MDT': -6, 'PST': -8, 'PDT': -7}


def rfc2822(v, o):
    m = re.fullmatch(r'(?:(\w{3}), ?)?(\d{1,2}) (\w{3}) (\d{2,4}) (\d{2}):(\d{2})(?::(\d{2}))? (\S+)', v)
    if not m:
        raise Refused('syntax')
    wd, d, mon, y, h, mi, s, z = m.groups()
    year = int(y)
    if len(y) == 2:  # RFC 2822 4.3
        year += 2000 if year < 50 else 1900
    elif len(y) == 3:
        year += 1900
    month = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].index(mon.lower()) + 1
    dt = dt_fields(year, month, int(d), int(h), int(mi), int(s or 0))
    if wd and dt.strftime('%a').lower() != wd.lower():
        raise Refused('day name')
    off = RFC_ZONES[z.upper()] * 3600 if z.upper() in RFC_ZONES else (int(z[1:3]) * 3600 + int(z[3:5]) * 60) * (-1 if z[0] == '-' else 1)
    return ns_of_naive(dt) - off * 10**9


def regional(fmt4, order, two_digit=False):
    """Four-digit-year variants are parsed by strptime; two-digit ones apply the pivot (strptime's %y pivot is 69)."""
    def dec(v, o):
        if two_digit:
            sep = '.' if '.' in fmt4[0] else '/'
            m = re.fullmatch(r'(\d{1,2})' + re.escape(sep) + r'(\d{1,2})' + re.escape(sep) + r'(\d{2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?', v)
            if not m:
                raise Refused('syntax')
            a, b, yy, h, mi, s = m.groups()
            mo, d = (int(a), int(b)) if order == 'mdy' else (int(b), int(a))
            return local_ns(dt_fields(pivot(int(yy), o), mo, d, int(h or 0), int(mi or 0), int(s or 0)), o)
        for f in fmt4:
            try:
                return local_ns(datetime.strptime(v, f), o)
            except ValueError:
                continue
        raise Refused('syntax')
    return dec


def jd(v, o):
    return (rnd(frac(v) * 86400000) - rnd(Fraction(24405875, 10) * 86400000)) * 10**6


def mjd(v, o):
    return (rnd(frac(v) * 86400000) - 40587 * 86400000) * 10**6


def gps_s(v, o):
    return gps_to_utc(rnd(frac(v) * 1000) * 10**6)


def gps_week(v, o):
    m = re.fullmatch(r'(\d{1,5})\s*[:, ]\s*(\d+(?:\.\d+)?)', v)
    if not m or Fraction(m.group(2)) >= 604800:
        raise Refused('syntax')
    return gps_to_utc((int(m.group(1)) * 604800000 + rnd(Fraction(m.group(2)) * 1000)) * 10**6)


def gps_week_bytes(v, o):
    week, ms = struct.unpack('>HI', h2b(v))
    if ms >= 604800000:
        raise Refused('range')
    return gps_to_utc((week * 604800000 + ms) * 10**6)


def ntp64(v, o):
    sec, fr = struct.unpack('>II', h2b(v))
    return ns_of_naive(datetime(1900, 1, 1)) + sec * 10**9 + fr * 10**9 // 2**32


def ntp32(v, o):
    n = int(v)
    if not 0 <= n < 2**32:
        raise Refused('range')
    return ns_of_naive(datetime(1900, 1, 1)) + n * 10**9


S = 10**9
# name -> (decoder, fraction digits or None = as written)
FORMATS = {
    'unix-s': (linear(EPOCH, S, S, True), 0),
    'unix-s-float': (linear(EPOCH, S, 1000), 6),
    'unix-s-string': (decimal_text(0, True), None),
    'unix-ms': (linear(EPOCH, 10**6, 10**6, True), 3),
    'unix-ms-float': (linear(EPOCH, 10**6, 1000), 6),
    'unix-ms-string': (decimal_text(3, True), None),
    'unix-us': (linear(EPOCH, 1000, 1000, True), 6),
    'unix-us-string': (lambda v, o: (decimal_text(6, False)(v, o)[0], 6), 6),
    'unix-ns': (linear(EPOCH, 1, 1, True), 9),
    'unix-ns-string': (lambda v, o: (decimal_text(9, False)(v, o)[0], 9), 9),
    **{f'unix-s-u32-{w}': (reg_u32(w), 0) for w in ('abcd', 'cdab', 'badc', 'dcba')},
    **{f'unix-ms-u64-{w}': (reg_u64(w), 3) for w in ('abcdefgh', 'ghefcdab', 'badcfehg', 'hgfedcba')},
    'opcua-datetime': (opcua, 7),
    'opcua-datetime-le': (opcua_le, 7),
    'windows-filetime': (filetime, 7),
    'dotnet-ticks': (dotnet, 7),
    'excel-1900': (excel1900, 3),
    'excel-1904': (excel1904, 3),
    'ole-automation': (ole, 3),
    's7-date-and-time': (s7_dt, 3),
    's7-dtl': (s7_dtl, 9),
    's7-date': (s7_date, 0),
    's7-time-of-day': (ms_of_day, 3),
    's5time': (s5time, 2),
    'iec61131-dt': (iec_dt, None),
    'iec61131-dt-u32': (lambda v, o: local_ns(EPOCH + timedelta(seconds=int(v)), o) if 0 <= int(v) < 2**32 else refuse(), 0),
    'iec61131-ldt': (lambda v, o: local_ns(EPOCH + timedelta(seconds=int(v) // S), o, int(v) % S), 9),
    'iec61131-tod': (iec_tod, None),
    'iec61131-tod-u32': (ms_of_day, 3),
    'iec61131-date': (iec_date, 0),
    'bacnet-date-time': (bacnet, 2),
    'bacnet-date': (lambda v, o: bacnet(v, o, False), 0),
    'modbus-clock-ymdhms': (clock_bin, 0),
    'modbus-clock-ymdhms-bcd': (clock_bcd, 0),
    'modbus-clock-3reg': (clock_3reg, 0),
    'bcd-yymmddhhmmss': (bcd6, 0),
    'bcd-yyyymmddhhmmss': (bcd7, 0),
    'dos-datetime': (dos, 0),
    'yyyymmddhhmmss': (digits(14, 'yyyymmddhhmmss'), 0),
    'yymmddhhmmss': (digits(12, 'yymmddhhmmss'), 0),
    'yyyymmdd': (digits(8, 'yyyymmdd'), 0),
    'yyyymmddhhmmssfff': (digits(17, 'yyyymmddhhmmssfff'), 3),
    'iso8601': (iso_text(ISO_EXT, 'any'), None),
    'iso8601-basic': (iso_text(ISO_BASIC, 'any'), None),
    'iso8601-local': (iso_text(ISO_EXT, 'forbidden'), None),
    'iso8601-date': (iso_date, 0),
    'rfc3339': (iso_text(RFC3339, 'required'), None),
    'rfc2822': (rfc2822, 0),
    'us-mdy': (regional(['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y'], 'mdy'), 0),
    'us-mdy-2y': (regional(['%m/%d/%y'], 'mdy', True), 0),
    'us-mdy-12h': (regional(['%m/%d/%Y %I:%M:%S %p', '%m/%d/%Y %I:%M %p'], 'mdy'), 0),
    'eu-dmy-dot': (regional(['%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M', '%d.%m.%Y'], 'dmy'), 0),
    'eu-dmy-dot-2y': (regional(['%d.%m.%y'], 'dmy', True), 0),
    'eu-dmy-slash': (regional(['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'], 'dmy'), 0),
    'eu-dmy-slash-2y': (regional(['%d/%m/%y'], 'dmy', True), 0),
    'julian-day': (jd, 3),
    'mjd': (mjd, 3),
    'gps-seconds': (gps_s, 3),
    'gps-week-seconds': (gps_week, 3),
    'gps-week-ms-bytes': (gps_week_bytes, 3),
    'ntp-64': (ntp64, 9),
    'ntp-32': (ntp32, 0),
    'labview-seconds': (linear(datetime(1904, 1, 1), S, 1000), 6),
}

# --- the vectors -----------------------------------------------------------------------

VECTORS = []


def v(name, value, note='', error=None, js_only=False, **opts):
    """A vector: expected iso/ms from the decoder above, or `error` (a phrase the message must contain).
    js_only: an error of the JavaScript side only (a JSON number beyond 2^53 has already lost digits)."""
    VECTORS.append({'format': name, 'value': value, 'options': opts, 'note': note, 'error': error, 'js_only': js_only})


BER = {'timeZone': 'Europe/Berlin'}
NY = {'timeZone': 'America/New_York'}
U = int(datetime(2026, 3, 29, 2, 30).replace(tzinfo=UTC).timestamp())  # 1774751400
LEAP_DAY = int(datetime(2024, 2, 29, 12).replace(tzinfo=UTC).timestamp())

v('unix-s', 0, 'epoch'); v('unix-s', U); v('unix-s', LEAP_DAY, 'leap day'); v('unix-s', -86400, 'before the epoch')
v('unix-s', 1.5, 'a fraction', error='unix-s has no fraction below 1 s; got .5'); v('unix-s', 'soon', 'not a number', error='is not a number')
v('unix-s-float', 0.5); v('unix-s-float', U + 0.123456); v('unix-s-float', -1.5, 'before the epoch'); v('unix-s-float', 1709208000.000001, 'leap day, 1 us')
v('unix-s-string', '0'); v('unix-s-string', f'{U}.25'); v('unix-s-string', f'{U}.123456789', '9 digits kept'); v('unix-s-string', f'{U}.1234567891', '10 digits: the 10th is cut'); v('unix-s-string', '-0.9999999999', 'before the epoch, cut toward zero')
v('unix-ms', 0); v('unix-ms', U * 1000 + 123); v('unix-ms', -1, 'one ms before the epoch'); v('unix-ms', LEAP_DAY * 1000)
v('unix-ms-float', U * 1000 + 123.456); v('unix-ms-float', 0.001); v('unix-ms-float', LEAP_DAY * 1000 + 0.5)
v('unix-ms-string', str(U * 1000 + 123)); v('unix-ms-string', f'{U * 1000 + 123}.456789'); v('unix-ms-string', '-1'); v('unix-ms-string', '12:00', error='not a decimal')
v('unix-us', U * 10**6 + 123456); v('unix-us', 0); v('unix-us', LEAP_DAY * 10**6 + 1)
v('unix-us-string', str(U * 10**6 + 123456)); v('unix-us-string', '0'); v('unix-us-string', str(LEAP_DAY * 10**6 + 999999))
v('unix-ns', str(U * 10**9 + 123456789), 'text keeps every digit'); v('unix-ns', 0); v('unix-ns', 1); v('unix-ns', -1)
v('unix-ns', U * 10**9 + 123456789, 'a JSON number beyond 2^53 has lost digits', error='beyond 2^53', js_only=True)
v('unix-ns', f'{U * 10**9 + 123456789}.5', 'text with a fraction below 1 ns', error='unix-ns has no fraction below 1 ns; got .5')
v('unix-ms-string', f'{U * 1000 + 123}.4567891', '7 fraction digits: the 7th is cut')
# Range: every format stays in the years 1601..9999.
v('unix-s', '99999999999999999999', 'far beyond 9999', error='the year 3168873852651, outside 1601..9999')
v('unix-s', 253402300799, '9999-12-31T23:59:59, the last second'); v('unix-s', 253402300800, 'year 10000', error='the year 10000, outside 1601..9999')
v('unix-s', -11644473600, '1601-01-01, the first second'); v('unix-s', -11644473601, 'year 1600', error='the year 1600, outside 1601..9999')
v('unix-ms', '1e400', 'an exponent far beyond 9999', error='outside 1601..9999'); v('unix-ns-string', '-99999999999999999999', 'year -1199', error='the year -1199, outside 1601..9999')
v('unix-ns-string', str(U * 10**9 + 123456789)); v('unix-ns-string', '0'); v('unix-ns-string', str(LEAP_DAY * 10**9 + 1)); v('unix-ns-string', '1.5', error='unix-ns-string has no fraction below 1 ns; got .5')
for w in ('abcd', 'cdab', 'badc', 'dcba'):
    for value in (0, U, LEAP_DAY, 2**32 - 1):
        v(f'unix-s-u32-{w}', hexs(words(w, value, 4)), f'{value} in order {w}')
    v(f'unix-s-u32-{w}', '0x0102', 'too short', error='needs 4 bytes')
for w in ('abcdefgh', 'ghefcdab', 'badcfehg', 'hgfedcba'):
    for value in (0, U * 1000 + 123, LEAP_DAY * 1000 + 999):
        v(f'unix-ms-u64-{w}', hexs(words(w, value, 8)), f'{value} ms in order {w}')
    v(f'unix-ms-u64-{w}', '0xFFFFFFFFFFFFFFFF', 'all ones', error='after 9999')
OPC_EPOCH = 116444736000000000
T = (U + 11644473600) * 10**7 + 1234567
v('opcua-datetime', str(T)); v('opcua-datetime', str(OPC_EPOCH), 'Unix epoch'); v('opcua-datetime', 1, 'first tick'); v('opcua-datetime', str((LEAP_DAY + 11644473600) * 10**7))
v('opcua-datetime', 0, 'null DateTime', error='null DateTime'); v('opcua-datetime', str(2**63 - 1), error='end of time')
for t in (T, OPC_EPOCH, 1):
    v('opcua-datetime-le', hexs(struct.pack('<q', t)))
v('opcua-datetime-le', '0x0000000000000000', error='null DateTime')
v('windows-filetime', 0, '1601 epoch'); v('windows-filetime', str(OPC_EPOCH)); v('windows-filetime', str(T)); v('windows-filetime', -1, error='outside')
v('dotnet-ticks', 0, 'year 1 (DateTime.MinValue)', error='the year 1, outside 1601..9999'); v('dotnet-ticks', str(504911232000000000), '1601-01-01'); v('dotnet-ticks', str(621355968000000000), 'Unix epoch'); v('dotnet-ticks', str((U + 62135596800) * 10**7 + 1234567)); v('dotnet-ticks', str(3155378975999999999), '9999-12-31 last tick')
v('dotnet-ticks', str(3155378976000000000), error='outside')


def excel_serial(dt, base=datetime(1899, 12, 30)):
    d = dt - base
    return d.days + d.seconds / 86400


v('excel-1900', 1, '1900-01-01'); v('excel-1900', 59, '1900-02-28'); v('excel-1900', 61, '1900-03-01 (after the fictitious 29th)')
v('excel-1900', 60, 'the Lotus bug day 1900-02-29', error='does not exist'); v('excel-1900', 60.5, error='does not exist')
v('excel-1900', 59.75, '1900-02-28 18:00'); v('excel-1900', 0.5, 'a time without a date', error='outside')
v('excel-1900', excel_serial(datetime(2024, 2, 29, 12)), 'leap day'); v('excel-1900', 46110.1041666667, '2026-03-29 02:30 in UTC')
v('excel-1900', 46110.1041666667, 'DST gap, reject', error='does not exist on 2026-03-29 in Europe/Berlin', **BER)
v('excel-1900', 46110.1041666667, 'DST gap, earlier', dst='earlier', **BER); v('excel-1900', 46110.1041666667, 'DST gap, later', dst='later', **BER)
v('excel-1904', 0, '1904-01-01'); v('excel-1904', excel_serial(datetime(2024, 2, 29, 12), datetime(1904, 1, 1)), 'leap day'); v('excel-1904', 44648.1041666667)
v('excel-1904', excel_serial(datetime(2026, 11, 1, 1, 30), datetime(1904, 1, 1)), 'DST overlap New York, later', dst='later', **NY)
v('ole-automation', 0, '1899-12-30'); v('ole-automation', -1.25, 'negative: 1899-12-29 06:00'); v('ole-automation', 2.5, '1900-01-01 12:00')
v('ole-automation', excel_serial(datetime(2026, 11, 1, 1, 30)), 'DST overlap New York, earlier', dst='earlier', **NY)
v('ole-automation', excel_serial(datetime(2026, 11, 1, 1, 30)), 'DST overlap New York, reject', error='occurs twice', **NY)


def s7dt_bytes(dt, ms=0, weekday=True):
    yy = dt.year % 100
    wd = dt.isoweekday() % 7 + 1 if weekday else 0
    return hexs(bytes([to_bcd(yy), to_bcd(dt.month), to_bcd(dt.day), to_bcd(dt.hour), to_bcd(dt.minute), to_bcd(dt.second), to_bcd(ms // 10), ((ms % 10) << 4) | wd]))


v('s7-date-and-time', s7dt_bytes(datetime(1990, 1, 1)), 'first S7 date')
v('s7-date-and-time', s7dt_bytes(datetime(2089, 12, 31, 23, 59, 59), 999), 'last S7 date')
v('s7-date-and-time', s7dt_bytes(datetime(2024, 2, 29, 12, 34, 56), 789, weekday=False), 'leap day, weekday not set')
v('s7-date-and-time', '0x2301151230450000', 'the issue example')
v('s7-date-and-time', s7dt_bytes(datetime(2026, 3, 29, 2, 30)), 'DST gap', error='DST gap', **BER)
v('s7-date-and-time', s7dt_bytes(datetime(2026, 10, 25, 2, 30)), 'DST overlap, earlier', dst='earlier', **BER)
v('s7-date-and-time', '0x2613010000000000', 'month 13', error='month 13 is not 1..12')
v('s7-date-and-time', '0x261A010000000000', 'not BCD', error='is not BCD')
v('s7-date-and-time', '0x2603290230000002', 'Monday on a Sunday', error='does not match')


def dtl(dt, nano=0, wd=None):
    return hexs(struct.pack('>HBBBBBBI', dt.year, dt.month, dt.day, dt.isoweekday() % 7 + 1 if wd is None else wd, dt.hour, dt.minute, dt.second, nano))


v('s7-dtl', dtl(datetime(1970, 1, 1)), 'DTL minimum'); v('s7-dtl', dtl(datetime(2262, 4, 11, 23, 47, 16), 854775807), 'DTL maximum')
v('s7-dtl', dtl(datetime(2024, 2, 29, 23, 59, 59), 999999999), 'leap day, last ns'); v('s7-dtl', dtl(datetime(2026, 3, 29, 2, 30), 123456789))
v('s7-dtl', dtl(datetime(2026, 3, 29, 2, 30)), 'DST gap later', dst='later', **BER)
v('s7-dtl', dtl(datetime(1969, 12, 31)), 'before 1970', error='1970..2262')
v('s7-date', 0, '1990-01-01'); v('s7-date', (date(2024, 2, 29) - date(1990, 1, 1)).days, 'leap day'); v('s7-date', 65378, '2168-12-31')
v('s7-date', 13236, 'local midnight Berlin', **BER); v('s7-date', 65379, error='outside')
v('s7-time-of-day', 0); v('s7-time-of-day', 86399999, 'last ms'); v('s7-time-of-day', 9000123); v('s7-time-of-day', 86400000, error='outside')
v('s5time', '0x0000'); v('s5time', '0x2150', '150 x 1 s'); v('s5time', '0x3999', '999 x 10 s'); v('s5time', '0x0123', '123 x 10 ms'); v('s5time', '0x1005', '5 x 100 ms')
v('s5time', '0x00A0', error='not BCD'); v('s5time', '0xC000', error='bits 15-14')
v('iec61131-dt', 'DT#2026-03-29-02:30:00'); v('iec61131-dt', 'DT#2026-03-29-02:30:00.12345678912', '11 digits: cut to 9'); v('iec61131-dt', 'DATE_AND_TIME#2024-02-29-12:00:00.5', 'leap day'); v('iec61131-dt', 'dt#1970-01-01-00:00:00.123456789')
v('iec61131-dt', 'DT#2026-10-25-02:30:00', 'DST overlap, later', dst='later', **BER); v('iec61131-dt', 'DT#2026-02-30-00:00:00', error='day 30 is not 1..28')
v('iec61131-dt-u32', 0); v('iec61131-dt-u32', U); v('iec61131-dt-u32', 2**32 - 1, 'last DT'); v('iec61131-dt-u32', int(datetime(2026, 3, 8, 2, 30).replace(tzinfo=UTC).timestamp()), 'NY DST gap, earlier', dst='earlier', **NY)
v('iec61131-ldt', str(U * 10**9 + 123456789)); v('iec61131-ldt', 0); v('iec61131-ldt', -1); v('iec61131-ldt', str(U * 10**9), 'in New York', **NY)
v('iec61131-tod', 'TOD#00:00:00'); v('iec61131-tod', 'TOD#23:59:59.999'); v('iec61131-tod', 'TIME_OF_DAY#12:00:00.123456789'); v('iec61131-tod', 'TOD#24:00:00', error='hour 24')
v('iec61131-tod-u32', 0); v('iec61131-tod-u32', 86399999); v('iec61131-tod-u32', 43200000)
v('iec61131-date', 'D#2024-02-29'); v('iec61131-date', 'DATE#1970-01-01'); v('iec61131-date', 'd#2026-03-29', 'Berlin midnight', **BER); v('iec61131-date', 'D#2023-02-29', error='day 29')


def bac(dt, hundredths=0, wd=None):
    return hexs(bytes([dt.year - 1900, dt.month, dt.day, dt.isoweekday() if wd is None else wd, dt.hour, dt.minute, dt.second, hundredths]))


v('bacnet-date-time', bac(datetime(2026, 3, 29, 2, 30))); v('bacnet-date-time', bac(datetime(2024, 2, 29, 23, 59, 59), 99), 'leap day')
v('bacnet-date-time', bac(datetime(1900, 1, 1)), 'year byte 0'); v('bacnet-date-time', bac(datetime(2026, 1, 2, 3, 4, 5), 255, 255), 'weekday and hundredths unspecified')
v('bacnet-date-time', bac(datetime(2026, 3, 29, 2, 30)), 'DST gap later', dst='later', **BER)
v('bacnet-date-time', '0x7E03FF07021E0000', 'day wildcard', error='0xFF')
v('bacnet-date-time', '0xFF031D07021E0000', 'year wildcard', error='wildcard')
v('bacnet-date-time', '0x7E0D1D07021E0000', 'odd months', error='odd months')
v('bacnet-date-time', '0x7E03200702100000', 'last day of month', error='last day')
v('bacnet-date-time', '0x7E031D0702FF0000', 'minute wildcard', error='0xFF')
v('bacnet-date-time', '0x7E031D01021E0000', 'Monday on a Sunday', error='does not match')
v('bacnet-date', '0x7E031D07'); v('bacnet-date', '0x7C021D04', 'leap day 2024 (Thursday)'); v('bacnet-date', '0x7E031DFF', 'weekday unspecified', **BER)
v('bacnet-date', '0x7E03FFFF', error='0xFF')
v('modbus-clock-ymdhms', hexs(struct.pack('>6H', 2026, 3, 29, 2, 30, 0))); v('modbus-clock-ymdhms', hexs(struct.pack('>6H', 2024, 2, 29, 12, 0, 0)), 'leap day')
v('modbus-clock-ymdhms', hexs(struct.pack('>6H', 26, 3, 29, 2, 30, 0)), 'two-digit year'); v('modbus-clock-ymdhms', hexs(struct.pack('>6H', 75, 1, 1, 0, 0, 0)), 'two-digit year 75')
v('modbus-clock-ymdhms', hexs(struct.pack('>6H', 2026, 13, 1, 0, 0, 0)), error='month 13 is not 1..12')
v('modbus-clock-ymdhms', hexs(struct.pack('>6H', 2026, 3, 29, 2, 30, 0)), 'DST gap', error='DST gap', **BER)


def bcdw(n):
    return bytes([to_bcd(n // 100), to_bcd(n % 100)])


v('modbus-clock-ymdhms-bcd', hexs(b''.join(bcdw(x) for x in (2026, 3, 29, 2, 30, 0))))
v('modbus-clock-ymdhms-bcd', hexs(b''.join(bcdw(x) for x in (2024, 2, 29, 23, 59, 59))), 'leap day')
v('modbus-clock-ymdhms-bcd', hexs(b''.join(bcdw(x) for x in (99, 12, 31, 23, 59, 59))), 'two-digit 99')
v('modbus-clock-ymdhms-bcd', '0x2026000300290002003A0000', error='not BCD')
v('modbus-clock-3reg', '0x1A031D021E00'); v('modbus-clock-3reg', '0x4501010000', '5 bytes', error='needs 6 bytes')
v('modbus-clock-3reg', hexs(bytes([69, 12, 31, 23, 59, 59])), 'year 69 -> 2069 (pivot 70)'); v('modbus-clock-3reg', hexs(bytes([70, 1, 1, 0, 0, 0])), 'year 70 -> 1970')
v('modbus-clock-3reg', hexs(bytes([69, 12, 31, 23, 59, 59])), 'pivot 50: 69 -> 1969', pivotYear=50)
v('bcd-yymmddhhmmss', '0x260329023000'); v('bcd-yymmddhhmmss', '0x991231235959', '1999'); v('bcd-yymmddhhmmss', '0x000229000000', 'leap day 2000')
v('bcd-yymmddhhmmss', '0x250229000000', error='day 29'); v('bcd-yymmddhhmmss', '0x991231235959', 'pivot 0: all 20yy', pivotYear=0)
v('bcd-yyyymmddhhmmss', '0x20260329023000'); v('bcd-yyyymmddhhmmss', '0x19000101000000', '1900'); v('bcd-yyyymmddhhmmss', '0x20240229120000', 'leap day')
v('bcd-yyyymmddhhmmss', '0x20261301000000', error='month 13')


def dosn(dt):
    return (((dt.year - 1980) << 9 | dt.month << 5 | dt.day) << 16) | (dt.hour << 11 | dt.minute << 5 | dt.second // 2)


v('dos-datetime', dosn(datetime(1980, 1, 1)), 'DOS epoch'); v('dos-datetime', dosn(datetime(2107, 12, 31, 23, 59, 58)), 'last DOS time')
v('dos-datetime', dosn(datetime(2024, 2, 29, 12, 34, 56)), 'leap day'); v('dos-datetime', dosn(datetime(2026, 3, 29, 2, 30)), 'DST gap earlier', dst='earlier', **BER)
v('yyyymmddhhmmss', 20260329023000); v('yyyymmddhhmmss', 20240229235959, 'leap day'); v('yyyymmddhhmmss', 19700101000000)
v('yyyymmddhhmmss', 20261025023000, 'DST overlap', error='occurs twice on 2026-10-25 in Europe/Berlin', **BER)
v('yyyymmddhhmmss', 20261025023000, 'DST overlap later', dst='later', **BER); v('yyyymmddhhmmss', 20261325023000, error='month 13 is not 1..12')
v('yymmddhhmmss', 260329023000); v('yymmddhhmmss', 991231235959, '1999'); v('yymmddhhmmss', 50102030405, 'leading zero lost: 2005')
v('yymmddhhmmss', 691231000000, 'pivot 70: 2069'); v('yymmddhhmmss', 691231000000, 'pivot 60: 1969', pivotYear=60)
v('yyyymmdd', 20240229); v('yyyymmdd', 19700101); v('yyyymmdd', 20260329, 'Berlin midnight', **BER); v('yyyymmdd', 20230229, error='day 29')
v('yyyymmddhhmmssfff', '20260329023000123'); v('yyyymmddhhmmssfff', '20240229000000000'); v('yyyymmddhhmmssfff', '19991231235959999')
v('iso8601', '2026-03-29T04:30:00+02:00'); v('iso8601', '2026-03-29 02:30:00.123456789Z', '9 digits'); v('iso8601', '2024-02-29T12:00', 'leap day, no seconds, local UTC')
v('iso8601', '2026-03-29T04:30:00,5+0200', 'comma fraction, basic offset'); v('iso8601', '2026-03-29T04:30:00.1234567891234+02:00', '13 digits: those below 1 ns are cut'); v('iso8601', '9999-12-31T23:59:59.9999999999Z', 'last ns of 9999, 10th digit cut')
v('iso8601', '9999-12-31T23:59:59-01:00', 'year 10000 in UTC', error='the year 10000, outside 1601..9999'); v('iso8601', '2026-03-29T02:30:00', 'gap earlier', dst='earlier', **BER)
v('iso8601', '2026-03-29T02:30:00', 'gap later', dst='later', **BER); v('iso8601', '2026-03-29T02:30:00', 'gap reject', error='choose dst=earlier or later', **BER)
v('iso8601', '2026-13-01T00:00:00Z', error='month 13 is not 1..12'); v('iso8601', '1900-02-29T00:00:00Z', '1900 is no leap year', error='day 29 is not 1..28'); v('iso8601', '2000-02-29T00:00:00Z', '2000 is a leap year'); v('iso8601', 'March 29', error='is not in the form')
v('iso8601-basic', '20260329T023000Z'); v('iso8601-basic', '20240229T120000.5+0100', 'leap day'); v('iso8601-basic', '20260329T0230', 'no seconds, local UTC')
v('iso8601-local', '2026-03-29T02:30:00', 'gap later', dst='later', **BER); v('iso8601-local', '2026-10-25T02:30:00', 'overlap earlier', dst='earlier', **BER)
v('iso8601-local', '2026-10-25T02:30:00', 'overlap later', dst='later', **BER); v('iso8601-local', '2026-11-01T01:30:00.25', 'NY overlap earlier', dst='earlier', **NY)
v('iso8601-local', '2024-02-29T12:00:00.5', 'leap day in UTC'); v('iso8601-local', '2026-03-29T02:30:00Z', error='has an offset')
v('iso8601-date', '2024-02-29'); v('iso8601-date', '1970-01-01'); v('iso8601-date', '2026-03-29', 'Berlin midnight', **BER); v('iso8601-date', '2026-02-29', error='day 29')
v('rfc3339', '2026-03-29T02:30:00Z'); v('rfc3339', '2026-03-29T02:30:00.0000000009Z', '10 digits: the 10th is cut'); v('rfc3339', '1985-04-12T23:20:50.52Z', 'RFC 3339 example'); v('rfc3339', '1996-12-19T16:39:57-08:00', 'RFC 3339 example')
v('rfc3339', '1990-12-31T23:59:59-00:00', 'unknown local offset'); v('rfc3339', '2026-03-29T02:30:00', error='offset'); v('rfc3339', '2100-02-29T00:00:00Z', '2100 is no leap year', error='day 29'); v('rfc3339', '2024-02-29T12:00:00.000001+05:30', 'leap day, India')
v('rfc2822', 'Sun, 29 Mar 2026 04:30:00 +0200'); v('rfc2822', 'Fri, 21 Nov 1997 09:55:06 -0600', 'RFC 2822 example'); v('rfc2822', '29 Feb 2024 12:00 GMT', 'leap day, no seconds')
v('rfc2822', '1 Jan 70 00:00:00 EST', '2-digit year 70'); v('rfc2822', '01 Jan 49 00:00:00 +0000', '2-digit year 49 -> 2049')
v('rfc2822', 'Mon, 29 Mar 2026 04:30:00 +0200', error='does not match')
v('us-mdy', '03/29/2026 02:30:00'); v('us-mdy', '2/29/2024 23:59', 'leap day'); v('us-mdy', '12/31/1999'); v('us-mdy', '11/01/2026 01:30:00', 'NY overlap later', dst='later', **NY)
v('us-mdy', '13/01/2026 00:00:00', error='month 13')
v('us-mdy-2y', '03/29/26 02:30:00'); v('us-mdy-2y', '02/29/24', 'leap day'); v('us-mdy-2y', '12/31/99 23:59:59', '1999'); v('us-mdy-2y', '01/01/69', 'pivot 70: 2069')
v('us-mdy-2y', '01/01/69', 'pivot 60: 1969', pivotYear=60)
v('us-mdy-12h', '3/29/2026 2:30:00 AM'); v('us-mdy-12h', '02/29/2024 12:00:00 AM', '12 AM is midnight'); v('us-mdy-12h', '02/29/2024 12:30 PM', '12 PM is noon')
v('us-mdy-12h', '03/08/2026 2:30:00 AM', 'NY gap later', dst='later', **NY); v('us-mdy-12h', '3/29/2026 13:30:00 PM', error='hour 13')
v('eu-dmy-dot', '29.03.2026 02:30:00'); v('eu-dmy-dot', '29.02.2024', 'leap day'); v('eu-dmy-dot', '25.10.2026 02:30', 'overlap earlier', dst='earlier', **BER)
v('eu-dmy-dot', '29.03.2026 02:30:00', 'gap reject', error='DST gap', **BER); v('eu-dmy-dot', '32.01.2026', error='day 32')
v('eu-dmy-dot-2y', '29.03.26 02:30'); v('eu-dmy-dot-2y', '29.02.24 12:00:00', 'leap day'); v('eu-dmy-dot-2y', '01.01.70', '1970'); v('eu-dmy-dot-2y', '01.01.70', 'pivot 71: 2070', pivotYear=71)
v('eu-dmy-slash', '29/03/2026 02:30:00'); v('eu-dmy-slash', '29/02/2024', 'leap day'); v('eu-dmy-slash', '1/1/2000 0:00'); v('eu-dmy-slash', '29/03/2026 01:30:00', 'London gap later', dst='later', timeZone='Europe/London')
v('eu-dmy-slash-2y', '29/03/26 02:30:00'); v('eu-dmy-slash-2y', '29/02/00', 'leap day 2000'); v('eu-dmy-slash-2y', '31/12/99 23:59:59')
v('julian-day', 2440587.5, 'Unix epoch'); v('julian-day', 2451545.0, 'J2000.0'); v('julian-day', 2440587.5 + LEAP_DAY / 86400, 'leap day noon'); v('julian-day', 2461128.6041666665)
v('mjd', 40587, 'Unix epoch'); v('mjd', 51544.5, 'J2000.0'); v('mjd', 40587 + LEAP_DAY / 86400, 'leap day noon'); v('mjd', 0, '1858-11-17')
LEAP2017 = int(datetime(2017, 1, 1).replace(tzinfo=UTC).timestamp())
G = LEAP2017 - 315964800  # GPS seconds of 2017-01-01T00:00:00 UTC minus the offset
v('gps-seconds', 0, 'GPS epoch'); v('gps-seconds', U - 315964800 + 18, 'now: GPS-UTC = 18 s')
v('gps-seconds', G + 17 - 1, '2016-12-31T23:59:59 UTC: 17 s before the leap second')
v('gps-seconds', G + 17, 'the leap second 23:59:60 itself'); v('gps-seconds', G + 17.5, 'inside the leap second')
v('gps-seconds', G + 18, '2017-01-01T00:00:00 UTC: 18 s after'); v('gps-seconds', G + 18.5)
L1981 = int(datetime(1981, 7, 1).replace(tzinfo=UTC).timestamp()) - 315964800
v('gps-seconds', L1981 - 1, '1981-06-30T23:59:59, GPS-UTC = 0'); v('gps-seconds', L1981 + 1, '1981-07-01T00:00:00, GPS-UTC = 1')
v('gps-seconds', int(datetime(2012, 6, 30, 23, 59, 59).replace(tzinfo=UTC).timestamp()) - 315964800 + 15, 'before the 2012 leap second: 15 s')
v('gps-week-seconds', '2412:9018'); v('gps-week-seconds', '0:0', 'GPS epoch'); v('gps-week-seconds', f'{(G + 18) // 604800},{(G + 18) % 604800}.25', 'after the 2017 leap second')
v('gps-week-seconds', '2412:604800', error='604800')
for g_ms in ((U - 315964800 + 18) * 1000, 0, (G + 16) * 1000 + 999):
    v('gps-week-ms-bytes', hexs(struct.pack('>HI', g_ms // 604800000, g_ms % 604800000)))
v('ntp-64', '0x0000000000000000', 'NTP era 0 start'); v('ntp-64', '0x83AA7E8000000000', 'Unix epoch'); v('ntp-64', hexs(struct.pack('>II', U + 2208988800, 2**31)), 'half a second')
v('ntp-64', '0xFFFFFFFFFFFFFFFF', 'end of era 0'); v('ntp-64', hexs(struct.pack('>II', LEAP_DAY + 2208988800, 1)), '2^-32 s cuts to 0 ns')
v('ntp-32', 0); v('ntp-32', 2208988800, 'Unix epoch'); v('ntp-32', 2**32 - 1, 'end of era 0'); v('ntp-32', 2**32, error='outside')
v('labview-seconds', 0, 'LabVIEW epoch'); v('labview-seconds', 2082844800, 'Unix epoch'); v('labview-seconds', U + 2082844800 + 0.5)


# Byte layouts have a fixed length by definition.
LENGTHS = {**{f'unix-s-u32-{w}': 4 for w in ('abcd', 'cdab', 'badc', 'dcba')}, **{f'unix-ms-u64-{w}': 8 for w in ('abcdefgh', 'ghefcdab', 'badcfehg', 'hgfedcba')},
           'opcua-datetime-le': 8, 's7-date-and-time': 8, 's7-dtl': 12, 's5time': 2, 'bacnet-date-time': 8, 'bacnet-date': 4,
           'modbus-clock-ymdhms': 12, 'modbus-clock-ymdhms-bcd': 12, 'modbus-clock-3reg': 6, 'bcd-yymmddhhmmss': 6,
           'bcd-yyyymmddhhmmss': 7, 'gps-week-ms-bytes': 6, 'ntp-64': 8}


# Every format is limited to instants in the years 1601..9999 (ISO 8601 without expansion).
MIN_NS = ns_of_naive(datetime(1601, 1, 1))
MAX_NS = ns_of_naive(datetime(9999, 12, 31, 23, 59, 59)) + 999999999


def checked(name, dec):
    def run(value, opts):
        if name in LENGTHS and len(h2b(value)) != LENGTHS[name]:
            raise Refused(f'needs {LENGTHS[name]} bytes')
        return dec(value, opts)
    return run


def main():
    out = []
    for vec in VECTORS:
        name = vec['format']
        dec, digits = FORMATS[name]
        dec = checked(name, dec)
        value = vec['value']
        entry = {'format': name, 'value': value}
        if vec['options']:
            entry['options'] = vec['options']
        if vec['note']:
            entry['note'] = vec['note']
        if vec['js_only']:
            entry['error'] = vec['error']
            out.append(entry)
            continue
        try:
            res = dec(value, vec['options'])
            ns, d = (res if isinstance(res, tuple) else (res, digits))
            if not MIN_NS <= ns <= MAX_NS:
                raise Refused('outside the years 1601..9999')
            if vec['error'] is not None:
                raise SystemExit(f'{name} {value!r}: the definition decodes it, but the vector expects an error')
            entry['iso'] = iso(ns, digits if digits is not None else d)
            entry['ms'] = ns // 10**6
        except (Refused, ValueError, KeyError, IndexError, struct.error, AttributeError) as e:
            if vec['error'] is None:
                raise SystemExit(f'{name} {value!r}: the definition refuses it ({e}) but the vector expects a time')
            entry['error'] = vec['error']
        out.append(entry)
    missing = sorted(set(FORMATS) - {e['format'] for e in out})
    if missing:
        raise SystemExit(f'formats without vectors: {missing}')
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({'generatedBy': 'scripts/time-vectors.py', 'count': len(out), 'vectors': out}, indent=1) + '\n')
    print(f'{len(out)} vectors for {len(FORMATS)} formats -> {OUT}')


main()
