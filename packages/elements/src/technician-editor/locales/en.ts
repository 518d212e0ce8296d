export const en = {
  title: 'Technicians',
  technician: 'Technician',
  profile: 'Profile',
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  timeZone: 'Time zone',
  active: 'Active (offered and assigned)',
  saveProfile: 'Save profile',
  skills: 'Skills',
  skill: 'Skill',
  proficiency: 'Proficiency (1–5)',
  addSkill: 'Add skill',
  remove: (what: string) => `Remove ${what}`,
  certifications: 'Certifications',
  certification: 'Certification',
  expiresOn: 'Expires on',
  addCertification: 'Add certification',
  expired: 'Expired',
  expiresSoon: (days: number) =>
    days === 0 ? 'Expires today' : `Expires in ${days} ${days === 1 ? 'day' : 'days'}`,
  saveSkills: 'Save skills',
  weeklyHours: 'Weekly hours',
  hoursHint: 'Ranges such as “08:00-12:00, 13:00-17:00”; empty for a day off.',
  overrides: 'Date overrides',
  overridesHint:
    'One per line: a date and its ranges, or just a date for a day off (“2031-12-24 08:00-12:00”).',
  saveSchedule: 'Save hours',
  timeOff: 'Time off',
  starts: 'Starts',
  ends: 'Ends',
  reason: 'Reason',
  addTimeOff: 'Add time off',
  saved: 'Saved.',
  badHours: (what: string) => `“${what}” is not a list of ranges like 08:00-12:00.`,
  collides: (count: number) =>
    count === 1 ? '1 booked visit falls in this time:' : `${count} booked visits fall in this time:`,
  collidesDeactivate: (count: number) =>
    count === 1
      ? '1 booked visit is still ahead for this technician:'
      : `${count} booked visits are still ahead for this technician:`,
  reassignTo: (reference: string) => `Reassign ${reference} to`,
  reassign: 'Reassign',
  reassigned: (reference: string, name: string) => `${reference} is now with ${name}.`,
  proceed: 'Go ahead anyway',
  cancel: 'Cancel',
  weekdays: {
    monday: 'Monday',
    tuesday: 'Tuesday',
    wednesday: 'Wednesday',
    thursday: 'Thursday',
    friday: 'Friday',
    saturday: 'Saturday',
    sunday: 'Sunday',
  } as Record<string, string>,
};

export type TechnicianEditorTerms = typeof en;
