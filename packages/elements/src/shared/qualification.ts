import type { components } from '@crewkit/sdk';

type Skill = components['schemas']['Skill'];
type Certification = components['schemas']['Certification'];
type RequiredSkill = components['schemas']['RequiredSkill'];

/**
 * Whether a technician may do a service on a day: a copy of the server's rule
 * (server/src/services/qualification.ts) so pickers offer only technicians the server would accept.
 * Every required skill at its minimum proficiency; a certification named like a skill gates it and
 * stops counting after its last valid day. The server checks again on every change, so a copy that
 * drifts can only offer too few or too many names, never book what the rules forbid.
 *
 * `day` is the appointment's day (`YYYY-MM-DD`) in the technician's zone.
 */
export function isQualified(
  technician: { skills?: Skill[] | undefined; certifications?: Certification[] | undefined },
  required: RequiredSkill[] | undefined,
  day: string,
): boolean {
  for (const requirement of required ?? []) {
    const name = requirement.skill.toLowerCase();
    const skill = technician.skills?.find((s) => s.skill.toLowerCase() === name);
    if (!skill || skill.proficiency < requirement.minProficiency) return false;
    const certificate = technician.certifications?.find((c) => c.name.toLowerCase() === name);
    if (certificate?.expiresOn && certificate.expiresOn < day) return false;
  }
  return true;
}
