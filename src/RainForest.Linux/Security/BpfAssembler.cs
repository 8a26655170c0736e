namespace RainForest.Linux.Security;

/// <summary>Assembles classic BPF with labels; conditional jumps too far for their 8-bit offsets are relaxed into a long jump.</summary>
/// <remarks>
/// Classic BPF only jumps forward: jt and jf are unsigned 8-bit offsets, <c>BPF_JA</c> has a 32-bit k.
/// A conditional jump whose target lies more than 255 instructions ahead gets a <c>BPF_JA</c> placed right
/// after it, and its jt (or jf) points at that. Placing one can push other jumps out of reach, so layout
/// repeats until nothing changes; jumps only ever grow, so it ends. Backward jumps, unmarked labels,
/// programs over <see cref="Bpf.MaxInstructions"/> and programs not ending in a return are rejected.
/// </remarks>
public sealed class BpfAssembler
{
    private readonly List<Item> _items = [];
    private readonly List<int> _labels = [];

    /// <summary>Instructions emitted so far, before any long-jump relaxation.</summary>
    public int Count => _items.Count;

    /// <summary>A new, not yet placed label.</summary>
    public BpfLabel DefineLabel()
    {
        _labels.Add(-1);
        return new BpfLabel(_labels.Count - 1);
    }

    /// <summary>Places <paramref name="label"/> before the next instruction emitted.</summary>
    public void Mark(BpfLabel label)
    {
        CheckLabel(label);
        if (_labels[label.Id] >= 0)
        {
            throw new InvalidOperationException($"BPF label {label.Id} is already marked.");
        }

        _labels[label.Id] = _items.Count;
    }

    /// <summary>Emits a non-jump instruction.</summary>
    public void Emit(ushort code, uint k)
    {
        if ((code & 0x07) == Bpf.Jmp)
        {
            throw new ArgumentException("Jumps go through Jump or Goto so their targets are labels.", nameof(code));
        }

        _items.Add(new Item(code, k, null, null, IsGoto: false));
    }

    /// <summary>Loads the 32-bit word at <paramref name="offset"/> of the input into A.</summary>
    public void LoadAbsolute(uint offset) => Emit(Bpf.Ld | Bpf.W | Bpf.Abs, offset);

    /// <summary>Returns <paramref name="value"/> (for seccomp, an action).</summary>
    public void Return(uint value) => Emit(Bpf.Ret | Bpf.K, value);

    /// <summary>A conditional jump comparing A with k; a null target means the next instruction.</summary>
    /// <param name="op"><see cref="Bpf.Jeq"/>, <see cref="Bpf.Jgt"/>, <see cref="Bpf.Jge"/> or <see cref="Bpf.Jset"/>.</param>
    /// <param name="k">The constant to compare with.</param>
    /// <param name="whenTrue">Where to go when the test holds.</param>
    /// <param name="whenFalse">Where to go otherwise.</param>
    public void Jump(ushort op, uint k, BpfLabel? whenTrue, BpfLabel? whenFalse)
    {
        if (op is not (Bpf.Jeq or Bpf.Jgt or Bpf.Jge or Bpf.Jset))
        {
            throw new ArgumentException($"0x{op:x2} is not a conditional jump with a constant.", nameof(op));
        }

        if (whenTrue is { } t)
        {
            CheckLabel(t);
        }

        if (whenFalse is { } f)
        {
            CheckLabel(f);
        }

        _items.Add(new Item((ushort)(Bpf.Jmp | op | Bpf.K), k, whenTrue, whenFalse, IsGoto: false));
    }

    /// <summary>An unconditional jump (<c>BPF_JA</c>, 32-bit reach).</summary>
    public void Goto(BpfLabel target)
    {
        CheckLabel(target);
        _items.Add(new Item(Bpf.Jmp | Bpf.Ja, 0, target, null, IsGoto: true));
    }

    /// <summary>Resolves every label and returns the program.</summary>
    /// <exception cref="InvalidOperationException">A label is unmarked or behind its jump, the program is too long, or it does not end in a return.</exception>
    public SockFilter[] Assemble()
    {
        if (_items.Count == 0 || (_items[^1].Code & 0x07) != Bpf.Ret)
        {
            throw new InvalidOperationException("A BPF program must end with a return; the kernel rejects any other.");
        }

        for (var id = 0; id < _labels.Count; id++)
        {
            if (_labels[id] < 0)
            {
                throw new InvalidOperationException($"BPF label {id} is used or defined but never marked.");
            }
        }

        var longTrue = new bool[_items.Count];
        var longFalse = new bool[_items.Count];
        var address = new int[_items.Count + 1];
        bool changed;
        do
        {
            Layout(address, longTrue, longFalse);
            changed = false;
            for (var i = 0; i < _items.Count; i++)
            {
                var item = _items[i];
                if (item.IsGoto || (item.Code & 0x07) != Bpf.Jmp)
                {
                    continue;
                }

                if (!longTrue[i] && Distance(address, i, item.WhenTrue) > Bpf.MaxConditionalJump)
                {
                    longTrue[i] = changed = true;
                }

                if (!longFalse[i] && Distance(address, i, item.WhenFalse) > Bpf.MaxConditionalJump)
                {
                    longFalse[i] = changed = true;
                }
            }
        }
        while (changed);

        var total = address[_items.Count];
        if (total > Bpf.MaxInstructions)
        {
            throw new InvalidOperationException($"The BPF program has {total} instructions; the kernel accepts at most {Bpf.MaxInstructions}.");
        }

        return Emit(address, longTrue, longFalse, total);
    }

    private SockFilter[] Emit(int[] address, bool[] longTrue, bool[] longFalse, int total)
    {
        var program = new SockFilter[total];
        for (var i = 0; i < _items.Count; i++)
        {
            var item = _items[i];
            var at = address[i];
            if (item.IsGoto)
            {
                program[at] = new SockFilter(item.Code, 0, 0, (uint)Distance(address, i, item.WhenTrue));
                continue;
            }

            if ((item.Code & 0x07) != Bpf.Jmp)
            {
                program[at] = new SockFilter(item.Code, 0, 0, item.K);
                continue;
            }

            // Layout of a relaxed jump: [jcond][ja true if long][ja false if long]; offsets count from the next slot.
            var next = at + 1;
            byte jt, jf;
            if (longTrue[i])
            {
                jt = 0;
                program[next] = new SockFilter(Bpf.Jmp | Bpf.Ja, 0, 0, (uint)(Target(address, i, item.WhenTrue) - (next + 1)));
                next++;
            }
            else
            {
                jt = (byte)Distance(address, i, item.WhenTrue);
            }

            if (longFalse[i])
            {
                jf = (byte)(next - (at + 1));
                program[next] = new SockFilter(Bpf.Jmp | Bpf.Ja, 0, 0, (uint)(Target(address, i, item.WhenFalse) - (next + 1)));
            }
            else
            {
                jf = (byte)Distance(address, i, item.WhenFalse);
            }

            program[at] = new SockFilter(item.Code, jt, jf, item.K);
        }

        return program;
    }

    private void Layout(int[] address, bool[] longTrue, bool[] longFalse)
    {
        address[0] = 0;
        for (var i = 0; i < _items.Count; i++)
        {
            address[i + 1] = address[i] + 1 + (longTrue[i] ? 1 : 0) + (longFalse[i] ? 1 : 0);
        }
    }

    private int Target(int[] address, int index, BpfLabel? label) =>
        label is { } l ? address[_labels[l.Id]] : address[index + 1];

    /// <summary>How far a jump at <paramref name="index"/> travels, counted from the slot after the jump itself.</summary>
    private int Distance(int[] address, int index, BpfLabel? label)
    {
        var distance = Target(address, index, label) - (address[index] + 1);
        if (distance < 0)
        {
            throw new InvalidOperationException($"BPF instruction {index} jumps backward to label {label?.Id}; classic BPF jumps only forward.");
        }

        return distance;
    }

    private void CheckLabel(BpfLabel label)
    {
        if (label.Id < 0 || label.Id >= _labels.Count)
        {
            throw new ArgumentException("The label belongs to another assembler.", nameof(label));
        }
    }

    private readonly record struct Item(ushort Code, uint K, BpfLabel? WhenTrue, BpfLabel? WhenFalse, bool IsGoto);
}
