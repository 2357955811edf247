// omv_protocol_process(): the one map from opcode to handler. Anything not in it (SYS_EVENT and
// CHANNEL_EVENT from a host included) is answered NAK INVALID.
import { Status } from '../../protocol';
import { CHANNEL_OPCODES } from './channel-opcodes';
import type { Command, OpcodeHandler } from './command';
import { SYSTEM_OPCODES } from './system-opcodes';

const OPCODE_HANDLERS: Readonly<Record<number, OpcodeHandler>> = { ...SYSTEM_OPCODES, ...CHANNEL_OPCODES };

const unknownOpcode: OpcodeHandler = async (cmd) => {
  cmd.status(Status.INVALID);
};

/** Run the handler of the command's opcode; it settles when the reply has gone out (or failed). */
export function processCommand(cmd: Command): Promise<void> {
  return (OPCODE_HANDLERS[cmd.opcode] ?? unknownOpcode)(cmd);
}
