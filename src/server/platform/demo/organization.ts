import type { Role } from '../../../contracts/access.js';

/*
 * Meridian Industries: a fictional manufacturer with a headquarters, a data centre, a regional
 * office, a warehouse and a plant on four continents. Every name, address and number is made up;
 * phone numbers use ranges reserved for fiction (555-01xx in North America) or plainly fake ones.
 */

export const ORGANIZATION = 'Meridian Industries';
export const EMAIL_DOMAIN = 'meridian.example';

export type Region = 'us' | 'de' | 'sg' | 'br';

export interface DemoSite {
  code: string;
  name: string;
  timezone: string;
  address: string;
  region: Region;
  /** People in the directory at this site (besides the demo users). */
  headcount: number;
  /** Departments and their weight in the site's workforce. */
  departments: readonly (readonly [string, number])[];
  phonePrefix: string;
}

export const demoSites: readonly DemoSite[] = [
  {
    code: 'NYC-HQ',
    name: 'New York Headquarters',
    timezone: 'America/New_York',
    address: '1 Meridian Plaza, 40th Floor, New York, NY 10004, USA',
    region: 'us',
    headcount: 110,
    departments: [
      ['Executive Office', 2],
      ['Finance', 6],
      ['Legal', 3],
      ['Human Resources', 4],
      ['Information Technology', 6],
      ['Corporate Security', 5],
      ['Facilities', 3],
      ['Sales', 7],
    ],
    phonePrefix: '+1 212 555 01',
  },
  {
    code: 'FRA-DC',
    name: 'Frankfurt Data Centre',
    timezone: 'Europe/Berlin',
    address: 'Hanauer Landstraße 412, 60314 Frankfurt am Main, Germany',
    region: 'de',
    headcount: 45,
    departments: [
      ['Data Centre Operations', 8],
      ['Network Engineering', 4],
      ['Corporate Security', 3],
      ['Facilities', 3],
    ],
    phonePrefix: '+49 69 5550 ',
  },
  {
    code: 'SIN-OFF',
    name: 'Singapore Regional Office',
    timezone: 'Asia/Singapore',
    address: '8 Marina View, #21-04, Singapore 018960',
    region: 'sg',
    headcount: 55,
    departments: [
      ['Sales', 6],
      ['Supply Chain', 5],
      ['Finance', 3],
      ['Corporate Security', 2],
      ['Human Resources', 2],
    ],
    phonePrefix: '+65 6555 0',
  },
  {
    code: 'HOU-WH',
    name: 'Houston Distribution Warehouse',
    timezone: 'America/Chicago',
    address: '9200 Port Terminal Road, Houston, TX 77029, USA',
    region: 'us',
    headcount: 60,
    departments: [
      ['Logistics', 10],
      ['Corporate Security', 4],
      ['Facilities', 2],
      ['Environmental Health & Safety', 2],
    ],
    phonePrefix: '+1 713 555 01',
  },
  {
    code: 'SAO-PLT',
    name: 'São Paulo Manufacturing Plant',
    timezone: 'America/Sao_Paulo',
    address: 'Avenida das Indústrias 1500, Distrito Industrial, São Paulo - SP, 04707-000, Brazil',
    region: 'br',
    headcount: 70,
    departments: [
      ['Production', 12],
      ['Quality Assurance', 3],
      ['Maintenance', 4],
      ['Corporate Security', 3],
      ['Environmental Health & Safety', 2],
    ],
    phonePrefix: '+55 11 5555 0',
  },
];

export interface DemoAccount {
  role: Role;
  firstName: string;
  lastName: string;
  title: string;
  department: string;
  /** The site they work at (first) and any others they cover. */
  sites: readonly string[];
}

/** One account per role, each with a plausible job and the sites that job covers. */
export const demoAccounts: readonly DemoAccount[] = [
  {
    role: 'admin',
    firstName: 'Dana',
    lastName: 'Whitfield',
    title: 'Chief Security Officer',
    department: 'Corporate Security',
    sites: ['NYC-HQ'],
  },
  {
    role: 'manager',
    firstName: 'Marcus',
    lastName: 'Oyelaran',
    title: 'Regional Security Manager, Americas',
    department: 'Corporate Security',
    sites: ['HOU-WH', 'NYC-HQ', 'SAO-PLT'],
  },
  {
    role: 'investigator',
    firstName: 'Priya',
    lastName: 'Raman',
    title: 'Senior Investigator',
    department: 'Corporate Security',
    sites: ['NYC-HQ', 'FRA-DC', 'SIN-OFF', 'HOU-WH', 'SAO-PLT'],
  },
  {
    role: 'operator',
    firstName: 'Tomás',
    lastName: 'Herrera',
    title: 'Security Operations Centre Operator',
    department: 'Corporate Security',
    sites: ['NYC-HQ', 'FRA-DC', 'SIN-OFF', 'HOU-WH', 'SAO-PLT'],
  },
  {
    role: 'officer',
    firstName: 'Jamal',
    lastName: 'Carter',
    title: 'Security Officer',
    department: 'Corporate Security',
    sites: ['HOU-WH'],
  },
  {
    role: 'hr',
    firstName: 'Sabine',
    lastName: 'Krüger',
    title: 'HR Business Partner, Screening',
    department: 'Human Resources',
    sites: ['FRA-DC', 'NYC-HQ', 'SIN-OFF'],
  },
  {
    role: 'auditor',
    firstName: 'Wei Ling',
    lastName: 'Tan',
    title: 'Internal Auditor',
    department: 'Finance',
    sites: ['SIN-OFF'],
  },
  {
    role: 'employee',
    firstName: 'Lucas',
    lastName: 'Almeida',
    title: 'Production Supervisor',
    department: 'Production',
    sites: ['SAO-PLT'],
  },
];

/** Given names and family names by region; mixed the way a real workforce is. */
const names = (text: string): string[] =>
  text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

export const namePools: Record<Region, { first: readonly string[]; last: readonly string[] }> = {
  us: {
    first: names(`
      James, Maria, Robert, Jennifer, Michael, Linda, David, Patricia, Kevin, Aisha, Carlos,
      Emily, Daniel, Jessica, Anthony, Ashley, Brandon, Keisha, Tyler, Rachel, Jose, Megan,
      Andre, Lauren, Hiroshi, Grace, Samuel, Nicole, Omar, Hannah, Victor, Olivia, Ethan,
      Sofia, Darnell, Chloe, Raj, Natalie, Connor, Ana
    `),
    last: names(`
      Smith, Johnson, Williams, Brown, Garcia, Miller, Davis, Rodriguez, Martinez, Wilson,
      Anderson, Thomas, Jackson, Nguyen, Lee, Harris, Clark, Lewis, Robinson, Walker, Young,
      Hernandez, King, Wright, Lopez, Hill, Scott, Green, Adams, Baker, Gonzalez, Nelson,
      Patel, Kim, Washington, Flores, Rivera, Campbell, Mitchell, Chen
    `),
  },
  de: {
    first: names(`
      Lukas, Anna, Jonas, Lea, Felix, Laura, Maximilian, Julia, Leon, Sophie, Paul, Katharina,
      Tobias, Lena, Stefan, Miriam, Florian, Johanna, Deniz, Elif, Andreas, Sarah, Markus,
      Nina, Mehmet, Petra, Jan, Claudia, Kai, Ioana
    `),
    last: names(`
      Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann,
      Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann,
      Braun, Hofmann, Hartmann, Lange, Yilmaz, Kaya, Popescu, Kowalski, Werner, Krause
    `),
  },
  sg: {
    first: names(`
      Wei Jie, Hui Min, Jun Hao, Xin Yi, Zhi Hao, Li Ting, Kai Xiang, Shu Fen, Muhammad,
      Nur Aisyah, Ahmad, Siti, Farid, Aminah, Arjun, Kavitha, Suresh, Deepa, Rajesh, Meera,
      Daniel, Rachel, Marcus, Jasmine, Ryan, Cheryl, Benjamin, Vanessa
    `),
    last: names(`
      Tan, Lim, Lee, Ng, Ong, Wong, Goh, Chua, Chan, Koh, Teo, Ang, Yeo, Tay, Rahman, Ismail,
      Hassan, Abdullah, Osman, Pillai, Nair, Krishnan, Subramaniam, Kumar, Menon, Low, Sim,
      Chong
    `),
  },
  br: {
    first: names(`
      João, Maria, Pedro, Ana, Gabriel, Juliana, Rafael, Fernanda, Lucas, Camila, Matheus,
      Beatriz, Thiago, Larissa, Felipe, Amanda, Bruno, Patrícia, Rodrigo, Letícia, Gustavo,
      Aline, Diego, Vanessa, Leonardo, Tatiane, Marcelo, Renata, André, Priscila
    `),
    last: names(`
      Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Lima, Gomes, Costa,
      Ribeiro, Martins, Carvalho, Almeida, Lopes, Soares, Fernandes, Vieira, Barbosa, Rocha,
      Dias, Nascimento, Andrade, Moreira, Nunes, Marques, Machado, Mendes, Freitas
    `),
  },
};

/** Job titles by department: the first is the department's head, the rest its staff. */
export const titlesByDepartment: Record<string, readonly string[]> = {
  'Executive Office': ['Chief Executive Officer', 'Chief Operating Officer', 'Executive Assistant'],
  Finance: ['Finance Director', 'Financial Analyst', 'Accounts Payable Specialist', 'Controller'],
  Legal: ['General Counsel', 'Corporate Counsel', 'Paralegal', 'Compliance Officer'],
  'Human Resources': ['HR Director', 'HR Generalist', 'Recruiter', 'Payroll Specialist'],
  'Information Technology': [
    'IT Director',
    'Systems Administrator',
    'Service Desk Analyst',
    'Security Engineer',
  ],
  'Corporate Security': [
    'Site Security Manager',
    'Security Officer',
    'Security Supervisor',
    'Access Control Administrator',
  ],
  Facilities: ['Facilities Manager', 'Building Engineer', 'Facilities Coordinator'],
  Sales: ['Sales Director', 'Account Executive', 'Sales Operations Analyst', 'Inside Sales Representative'],
  'Data Centre Operations': [
    'Data Centre Manager',
    'Data Centre Technician',
    'Critical Facilities Engineer',
    'Shift Lead',
  ],
  'Network Engineering': ['Network Engineering Lead', 'Network Engineer', 'NOC Analyst'],
  'Supply Chain': ['Supply Chain Manager', 'Procurement Specialist', 'Logistics Coordinator'],
  Logistics: [
    'Warehouse Manager',
    'Forklift Operator',
    'Shipping Clerk',
    'Inventory Controller',
    'Dock Lead',
  ],
  'Environmental Health & Safety': ['EHS Manager', 'Safety Specialist', 'EHS Coordinator'],
  Production: ['Plant Manager', 'Machine Operator', 'Production Technician', 'Line Lead', 'Assembler'],
  'Quality Assurance': ['Quality Manager', 'Quality Inspector', 'Quality Engineer'],
  Maintenance: ['Maintenance Manager', 'Maintenance Technician', 'Electrician'],
};

/** Firms that supply contractors and vendors, with the email domain of their staff. */
export const supplierFirms: readonly { name: string; domain: string; department: string; title: string }[] = [
  {
    name: 'Ironclad Guarding',
    domain: 'ironclad-guarding.example',
    department: 'Corporate Security',
    title: 'Contract Security Officer',
  },
  {
    name: 'Brightline Facility Services',
    domain: 'brightline-fs.example',
    department: 'Facilities',
    title: 'Cleaning Contractor',
  },
  {
    name: 'Northstar Fire & Alarm',
    domain: 'northstar-fire.example',
    department: 'Facilities',
    title: 'Alarm Service Technician',
  },
  {
    name: 'Keystone IT Partners',
    domain: 'keystone-it.example',
    department: 'Information Technology',
    title: 'IT Contractor',
  },
];
