using RainForest.Channels.Layout;

namespace RainForest.Channels.Tests;

/// <summary>
/// Drives one ring through random interleavings of the protocol's steps (claim, write, commit,
/// read, release, recover, and deaths between any two of them) and checks every answer against a
/// plain reference queue.
/// </summary>
public sealed class RingModelTests
{
    private const int Capacity = 16;
    private const int MaxLength = (5 * ChannelLayout.SlotSize) - ChannelLayout.MessageHeaderSize;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(42)]
    [InlineData(1234)]
    public void RandomInterleavings_AgreeWithReferenceQueue(int seed)
    {
        using var memory = new NativeRing(Capacity);
        var simulation = new Simulation(memory.Ring, new Random(seed));
        RunGuarded(() =>
        {
            simulation.Run(steps: 6000);
            simulation.DrainAndCheckEmpty();
        });
        Assert.True(simulation.Delivered > 200, $"only {simulation.Delivered} messages were delivered; the simulation exercises too little");
        Assert.True(simulation.Recovered > 5, $"only {simulation.Recovered} records were recovered; the simulation exercises too little");
    }

    [Fact]
    public void TryReserve_WriterDiedBeforeMovingTail_NextWriterMovesItAndReaderRecovers()
    {
        using var memory = new NativeRing(Capacity);
        var ring = memory.Ring;
        var liveness = new FakeLiveness();
        long cached = 0;
        Assert.True(ring.TryReserve(100, owner: 1, ref cached, out var dead, publishTail: false));
        liveness.Kill(1);
        Assert.Equal(0, ring.TailPosition);

        Assert.True(ring.TryReserve(10, owner: 2, ref cached, out var live));
        Assert.Equal(dead.Slots, live.Position);
        ring.WriteHeader(live, 10, 0);
        ring.CopyIn(live, new byte[10]);
        ring.Commit(live);

        Assert.Equal(ClaimStatus.InFlight, ring.TryClaim(3, int.MaxValue, out _));
        Assert.True(ring.TryRecover(ring.HeadPosition, liveness, self: 3));
        Assert.Equal(ClaimStatus.Claimed, ring.TryClaim(3, int.MaxValue, out var claim));
        Assert.Equal(live.Position, claim.Position);
        ring.Release(claim);
        Assert.Equal(1, ring.AbandonedRecords);
    }

    [Fact]
    public void TryRecover_LiveOwner_LeavesRecordAlone()
    {
        using var memory = new NativeRing(Capacity);
        var ring = memory.Ring;
        long cached = 0;
        Assert.True(ring.TryReserve(1, owner: 1, ref cached, out _));
        Assert.False(ring.TryRecover(ring.HeadPosition, new FakeLiveness(), self: 2));
        Assert.Equal(ClaimStatus.InFlight, ring.TryClaim(2, int.MaxValue, out _));
    }

    /// <summary>
    /// Runs the simulation on its own thread, so that a livelock (a ring operation that loops for
    /// ever on an inconsistent state) fails the test instead of hanging the run.
    /// </summary>
    private static void RunGuarded(Action simulation)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                simulation();
            }
            catch (Exception error)
            {
                failure = error;
            }
        })
        { IsBackground = true };
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(60)))
        {
            Assert.Fail("the simulation did not finish within 60 s: a ring operation is looping (livelock)");
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private enum RecordState
    {
        Reserved,
        Committed,
        Reading,
        Released,
    }

    private sealed class Record
    {
        public long Position;
        public int Slots;
        public int Length;
        public byte[] Payload = [];
        public RecordState State;
        public int Owner;
    }

    private sealed class Actor
    {
        public int Tag;
        public bool IsWriter;
        public Record? Holding;
        public WriteReservation Reservation;
        public ReadClaim Claim;
        public long CachedReleased;
    }

    private sealed class Simulation
    {
        private readonly FicmRing _ring;
        private readonly Random _random;
        private readonly FakeLiveness _liveness = new();
        private readonly List<Record> _records = [];
        private readonly Actor[] _actors;
        private long _tail;
        private long _released;
        private int _nextTag = 1;

        public Simulation(FicmRing ring, Random random)
        {
            _ring = ring;
            _random = random;
            _actors = Enumerable.Range(0, 5).Select(i => new Actor { Tag = _nextTag++, IsWriter = i < 3 }).ToArray();
        }

        public int Delivered { get; private set; }

        public int Recovered { get; private set; }

        public void Run(int steps)
        {
            for (var step = 0; step < steps; step++)
            {
                var actor = _actors[_random.Next(_actors.Length)];
                var roll = _random.Next(100);
                if (actor.Holding is null && roll < 6)
                {
                    Recover(actor, _random.Next(2) == 0 ? _ring.HeadPosition : _ring.ReleasedPosition);
                }
                else if (actor.IsWriter)
                {
                    WriterStep(actor, roll);
                }
                else
                {
                    ReaderStep(actor, roll);
                }

                CheckInvariants($"seed step {step}");
            }
        }

        public void DrainAndCheckEmpty()
        {
            // Everybody still holding something finishes it, then one reader empties the ring,
            // dropping whatever the dead left behind.
            foreach (var actor in _actors.Where(a => a.Holding is not null))
            {
                if (actor.IsWriter)
                {
                    Commit(actor);
                }
                else
                {
                    Release(actor);
                }
            }

            var drainer = new Actor { Tag = _nextTag++ };
            while (true)
            {
                var status = _ring.TryClaim(drainer.Tag, int.MaxValue, out var claim);
                var expected = HeadRecord();
                if (status == ClaimStatus.Empty)
                {
                    Assert.Null(expected);
                    break;
                }

                if (status == ClaimStatus.InFlight)
                {
                    Assert.Equal(RecordState.Reserved, expected!.State);
                    Recover(drainer, _ring.HeadPosition, mustSucceed: true);
                    continue;
                }

                Assert.Equal(ClaimStatus.Claimed, status);
                Read(expected!, claim);
                CheckInvariants("drain");
            }

            while (_records.Any(r => r.State == RecordState.Reading))
            {
                Recover(drainer, _ring.ReleasedPosition, mustSucceed: true);
            }

            CheckInvariants("drained");
            Assert.Empty(_records);
            Assert.Equal(_ring.HeadPosition, _ring.ReleasedPosition);

            // The whole ring is usable again: one record of every slot fits.
            var fill = (Capacity * ChannelLayout.SlotSize) - ChannelLayout.MessageHeaderSize;
            long cached = 0;
            Assert.True(_ring.TryReserve(fill, drainer.Tag, ref cached, out var reservation));
            Assert.Equal(Capacity, reservation.Slots);
        }

        private void WriterStep(Actor actor, int roll)
        {
            if (actor.Holding is null)
            {
                var length = _random.Next(0, MaxLength + 1);
                var slots = ChannelLayout.SlotsFor(length);
                var dieMidClaim = _random.Next(12) == 0;
                var expected = _tail + slots - _released <= Capacity;
                var reserved = _ring.TryReserve(length, actor.Tag, ref actor.CachedReleased, out var reservation, publishTail: !dieMidClaim);
                Assert.Equal(expected, reserved);
                if (!reserved)
                {
                    return;
                }

                Assert.Equal(_tail, reservation.Position);
                Assert.Equal(slots, reservation.Slots);
                var record = new Record { Position = _tail, Slots = slots, Length = length, State = RecordState.Reserved, Owner = actor.Tag };
                _records.Add(record);
                _tail += slots;
                actor.Holding = record;
                actor.Reservation = reservation;
                if (dieMidClaim)
                {
                    Die(actor);
                }

                return;
            }

            if (roll < 10)
            {
                // Killed mid-message: half the payload is in the ring, uncommitted.
                var half = new byte[actor.Holding.Length / 2];
                _random.NextBytes(half);
                _ring.WriteHeader(actor.Reservation, actor.Holding.Length, 0);
                _ring.CopyIn(actor.Reservation, half);
                Die(actor);
            }
            else if (roll < 16)
            {
                _ring.Abandon(actor.Reservation);
                actor.Holding.State = RecordState.Released;
                actor.Holding = null;
            }
            else
            {
                Commit(actor);
            }
        }

        private void ReaderStep(Actor actor, int roll)
        {
            if (actor.Holding is null)
            {
                var maxLength = _random.Next(4) == 0 ? _random.Next(0, MaxLength) : MaxLength;
                var dieMidClaim = _random.Next(12) == 0;
                var status = _ring.TryClaim(actor.Tag, maxLength, out var claim, publishHead: !dieMidClaim);
                var expected = HeadRecord();
                if (expected is null)
                {
                    Assert.Equal(ClaimStatus.Empty, status);
                    return;
                }

                if (expected.State == RecordState.Reserved)
                {
                    Assert.Equal(ClaimStatus.InFlight, status);
                    Assert.Equal(expected.Owner, claim.Owner);
                    return;
                }

                if (expected.Length > maxLength)
                {
                    Assert.Equal(ClaimStatus.TooSmall, status);
                    Assert.Equal(expected.Length, claim.Length);
                    return;
                }

                Assert.Equal(ClaimStatus.Claimed, status);
                Assert.Equal(expected.Position, claim.Position);
                Assert.Equal(expected.Length, claim.Length);
                expected.State = RecordState.Reading;
                expected.Owner = actor.Tag;
                actor.Holding = expected;
                actor.Claim = claim;
                if (dieMidClaim)
                {
                    Die(actor);
                }

                return;
            }

            if (roll < 10)
            {
                Die(actor);
            }
            else
            {
                Release(actor);
            }
        }

        private void Commit(Actor actor)
        {
            var record = actor.Holding!;
            record.Payload = new byte[record.Length];
            _random.NextBytes(record.Payload);
            _ring.WriteHeader(actor.Reservation, record.Length, 0);
            _ring.CopyIn(actor.Reservation, record.Payload);
            _ring.Commit(actor.Reservation);
            record.State = RecordState.Committed;
            actor.Holding = null;
        }

        private void Release(Actor actor)
        {
            Read(actor.Holding!, actor.Claim, claimed: true);
            actor.Holding = null;
        }

        private void Read(Record record, ReadClaim claim, bool claimed = false)
        {
            if (!claimed)
            {
                Assert.Equal(record.Position, claim.Position);
                record.State = RecordState.Reading;
            }

            var destination = new byte[claim.Length];
            _ring.CopyOut(claim, destination);
            Assert.Equal(record.Payload, destination);
            _ring.Release(claim);
            record.State = RecordState.Released;
            Delivered++;
        }

        private void Recover(Actor actor, long position, bool mustSucceed = false)
        {
            var record = _records.FirstOrDefault(r => r.Position == position);
            var expected = record is { State: RecordState.Reserved or RecordState.Reading } && !_liveness.IsAlive(record.Owner);
            var recovered = _ring.TryRecover(position, _liveness, actor.Tag);
            Assert.Equal(expected, recovered);
            Assert.True(recovered || !mustSucceed, $"nothing to recover at {position}");
            if (recovered)
            {
                record!.State = RecordState.Released;
                Recovered++;
            }
        }

        private void Die(Actor actor)
        {
            _liveness.Kill(actor.Tag);
            actor.Tag = _nextTag++;
            actor.Holding = null;
            actor.CachedReleased = 0;
        }

        /// <summary>The first record no reader has claimed, as the ring's head sees it.</summary>
        private Record? HeadRecord() => _records.FirstOrDefault(r => r.State is RecordState.Reserved or RecordState.Committed);

        private void CheckInvariants(string where)
        {
            // The ring's released counter is exactly the reference's after sweeping released
            // records below the ring's head (a record its writer dropped is swept once a reader passes it).
            var head = _ring.HeadPosition;
            while (_records.Count > 0 && _records[0].State == RecordState.Released && _records[0].Position < head)
            {
                _released = _records[0].Position + _records[0].Slots;
                _records.RemoveAt(0);
            }

            Assert.True(_ring.ReleasedPosition == _released, $"{where}: released {_ring.ReleasedPosition}, reference {_released}");
            Assert.True(_ring.ReleasedPosition <= head, $"{where}: released {_ring.ReleasedPosition} passed head {head}");
            Assert.True(_ring.TailPosition <= _tail, $"{where}: tail {_ring.TailPosition} ahead of reference {_tail}");
            Assert.True(_tail - _released <= Capacity, $"{where}: {_tail - _released} slots in use");
            Assert.Equal(Recovered, _ring.AbandonedRecords);
        }
    }
}
