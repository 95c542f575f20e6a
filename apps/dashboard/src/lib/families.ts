/** One colour per architecture family, the same in every chart (complexity bars, cost vs accuracy). */
const FAMILY_COLORS: Record<string, string> = {
  lenet: '#6b7280', alexnet: '#d62728', vgg: '#ff7f0e', nin: '#8c564b', googlenet: '#2ca02c', resnet: '#1f77b4', densenet: '#9467bd', regnet: '#17becf',
};

export const familyColor = (family: string) => FAMILY_COLORS[family] ?? '#e377c2';
