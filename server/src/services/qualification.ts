import type { Certification, RequiredSkill, TechnicianSkill } from '../db/schema.js';

export interface Qualification {
  qualified: boolean;
  /** The technician's weakest proficiency among the required skills (5 when nothing is required). */
  proficiency: number;
  /**
   * Last valid days of certifications that gate a required skill. A certification named like a
   * skill gates it: once the certification has expired, the skill no longer qualifies (a gas
   * fitter whose licence lapsed may not do gas work, however skilled).
   */
  gatedUntil: string[];
}

export function qualify(
  technician: { skills: TechnicianSkill[]; certifications: Certification[] },
  required: RequiredSkill[],
): Qualification {
  let proficiency = 5;
  const gatedUntil: string[] = [];
  for (const requirement of required) {
    const name = requirement.skill.toLowerCase();
    const skill = technician.skills.find((s) => s.skill.toLowerCase() === name);
    if (!skill || skill.proficiency < requirement.minProficiency)
      return { qualified: false, proficiency: 0, gatedUntil: [] };
    proficiency = Math.min(proficiency, skill.proficiency);
    const certificate = technician.certifications.find((cert) => cert.name.toLowerCase() === name);
    if (certificate?.expiresOn) gatedUntil.push(certificate.expiresOn);
  }
  return { qualified: true, proficiency, gatedUntil };
}
